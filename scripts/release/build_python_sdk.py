"""Builds a generated Python SDK's wheel and sdist into OUT (argv[1]), the same bytes from the same sources.

Run in the SDK's folder with the cached venv's Python (setuptools' own build hooks: no network, no `build`
package). SOURCE_DATE_EPOCH dates the wheel's entries; the sdist gets its entries' dates, owners and the
gzip header's build time normalized afterwards, which setuptools does not do by itself.
"""
import gzip
import io
import os
import sys
import tarfile

import setuptools.build_meta as backend

out = sys.argv[1]
epoch = int(os.environ["SOURCE_DATE_EPOCH"])
for root, dirs, files in os.walk("."):
    for name in dirs + files:
        os.utime(os.path.join(root, name), (epoch, epoch))

wheel = backend.build_wheel(out)
sdist = backend.build_sdist(out)

path = os.path.join(out, sdist)
with tarfile.open(path, "r:gz") as source:
    entries = sorted(
        ((member, source.extractfile(member).read() if member.isfile() else None) for member in source.getmembers()),
        key=lambda entry: entry[0].name,
    )
normalized = io.BytesIO()
with tarfile.open(fileobj=normalized, mode="w", format=tarfile.PAX_FORMAT) as target:
    for member, data in entries:
        member.mtime = epoch
        member.uid = member.gid = 0
        member.uname = member.gname = ""
        member.pax_headers = {}  # they repeat the build time (mtime) with sub-second precision
        target.addfile(member, io.BytesIO(data) if data is not None else None)
with open(path, "wb") as file:
    file.write(gzip.compress(normalized.getvalue(), compresslevel=9, mtime=0))

print(wheel)
print(sdist)
