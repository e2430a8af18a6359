"""Fetch the GraphiQL page's assets again: ``python -m server.graphiql_refresh``.

Each pinned file (``server.graphiql.ASSETS``) comes out of its npm package's tarball (``npm pack``,
so the npm registry's integrity check applies), without its source-map comment (the maps are
not vendored), with the package's LICENSE. To move to other versions, change the pins in
``server/graphiql.py``, run this, and update the table in ``server/static/graphiql/README.md``."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from server.graphiql import ASSETS, ASSETS_DIR

_SOURCE_MAP = re.compile(rb"\n?(//# sourceMappingURL=\S+|/\*# sourceMappingURL=\S+ \*/)\s*$")


def refresh() -> None:
    licenses = ASSETS_DIR / "licenses"
    licenses.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tarballs: dict[str, Path] = {}
        for asset in ASSETS:
            spec = f"{asset.package}@{asset.version}"
            if spec not in tarballs:
                out = subprocess.run(
                    ["npm", "pack", "--silent", spec], cwd=tmp, check=True, capture_output=True, text=True
                )
                tarballs[spec] = Path(tmp) / out.stdout.strip().splitlines()[-1]
            with tarfile.open(tarballs[spec]) as tar:
                source = tar.extractfile(f"package/{asset.path}")
                license_file = tar.extractfile("package/LICENSE")
                assert source is not None and license_file is not None, spec
                (ASSETS_DIR / asset.name).write_bytes(_SOURCE_MAP.sub(b"\n", source.read()))
                (licenses / f"{asset.package.replace('/', '-')}-{asset.version}.LICENSE").write_bytes(
                    license_file.read()
                )
            print(f"{asset.name:40} {(ASSETS_DIR / asset.name).stat().st_size:>9} bytes  from {spec} {asset.path}")
    keep = {asset.name for asset in ASSETS}
    for stale in ASSETS_DIR.glob("*.min.*"):
        if stale.name not in keep:
            stale.unlink()
            print(f"removed {stale.name}")


if __name__ == "__main__":
    if shutil.which("npm") is None:
        sys.exit("graphiql_refresh: needs npm (Node.js) on the PATH")
    refresh()
