# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options and attributes shared by the conda modules."""
from __future__ import annotations


class ModuleDocFragment(object):

    # The conda executable: every module of the collection takes it.
    DOCUMENTATION = r'''
options:
  executable:
    description:
      - Path of the C(conda) (or C(mamba)) executable to use.
      - When unset, C(CONDA_EXE) is used, then C(bin/conda) or C(condabin/conda) of the usual install
        locations (C(/opt/miniconda3), C(~/miniconda3), C(/opt/homebrew/Caskroom/miniconda/base),
        C(/usr/local/miniconda3), C(/opt/conda), C(~/miniforge3), C(/opt/homebrew/Caskroom/miniforge/base),
        C(~/anaconda3), C(/opt/anaconda3)), then C(PATH).
      - The root prefix is the folder above the executable's C(bin)/C(condabin) folder.
    type: path
requirements:
  - conda 4.6 or later (Miniconda, Miniforge or Anaconda) on the managed host.
'''

    # Modules that solve and change environments: channels, how they decide, check and diff mode.
    TRANSACTION = r'''
options:
  channels:
    description:
      - Channels to search, highest priority first, passed to conda as C(-c) in this order.
      - Credentials in channel URLs (C(https://user:password@host/...), C(.../t/<token>/...)) are
        masked in results, diffs and messages.
    type: list
    elements: str
    default: []
  override_channels:
    description:
      - Search only O(channels), ignoring the channels of the C(.condarc) files.
    type: bool
    default: false
notes:
  - Whether specs are satisfied is decided by reading the env's C(conda-meta/*.json) records with
    conda's match-spec semantics, and env names are resolved from the root, the C(.condarc) C(envs_dirs),
    C(CONDA_ENVS_PATH) and C(~/.conda/environments.txt); on a converged host no conda process runs.
    conda is only asked (with C(--dry-run)) when a spec or the configuration cannot be decided locally.
  - All unsatisfied specs of a task go to conda in one transaction.
  - An existing env is always changed in place (C(conda install)/C(conda remove)), never passed to
    C(conda create), which would delete it.
  - If Anaconda's terms of service block the default channels (C(CondaToSNonInteractiveError)), accept
    them once with C(conda tos accept --override-channels -c <channel>) or use conda-forge/Miniforge.
attributes:
  check_mode:
    support: full
    description:
      - Runs conda with C(--dry-run) to report exactly what a real run would link and unlink; pip (for
        M(macfleet.conda.conda_env)'s pip requirements) with C(--dry-run --report).
  diff_mode:
    support: full
    description:
      - Shows the env's packages (C(name==version=build)) before and after, predicted in check mode;
        for M(macfleet.conda.conda_env) also its pip packages (C(name==version (pypi))) and config vars.
  platform:
    support: full
    description: Runs on the managed host (macOS or Linux) where conda is installed.
    platforms: posix
'''
