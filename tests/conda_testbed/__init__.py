"""The offline conda test bed of macfleet.conda: a local channel, a conda stand-in and an installer.

Test support only: nothing here is shipped in the collection (see galaxy.yml build_ignore).
"""
