#!/usr/bin/env python3
"""Writes the binary plists of the import fixtures from their XML twins with python3's plistlib (the
standard library's own plist writer; Debian has no plutil). Run from this directory; re-running gives
the same bytes."""
import plistlib

for name in ["ios-documentation", "trustkit-readme"]:
    with open(f"{name}.plist", "rb") as source:
        value = plistlib.load(source)
    with open(f"{name}.binary.plist", "wb") as target:
        plistlib.dump(value, target, fmt=plistlib.FMT_BINARY, sort_keys=True)
