# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run conda_export and mask channel credentials in its whole result, validation failures included."""
from __future__ import annotations

from ansible_collections.macfleet.conda.plugins.plugin_utils._masked_action import MaskedModuleAction


class ActionModule(MaskedModuleAction):
    pass
