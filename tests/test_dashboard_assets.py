"""The asset list matches what the installed solara asks for, and a cold cache is filled from a
registry with the tarballs checked. The registry here is a local stand-in (no network in tests).
"""

import io
import re
import tarfile
from pathlib import Path

import npm_registry
import pytest

from hta_sim.dashboard import assets

solara = pytest.importorskip("solara", reason="needs the dashboard extra: pip install -e '.[dashboard]'")

#: A file Solara puts behind its CDN proxy: {{cdn}}/<spec>/<file> in templates, getCdn()}/... in Vue.
CDN_REFERENCE = re.compile(r"(?:\{\{ ?cdn ?\}\}|getCdn\(\)\})/((?:@[a-z0-9-]+/)?[a-z0-9.-]+)@"
                           r"([0-9A-Za-z.^~-]+)/([A-Za-z0-9_./{}-]+)")
IPYWIDGETS_MAJOR = "8"


def solara_references() -> set[tuple[str, str, str]]:
    """(package, version, file) for every asset the installed solara's sources name."""
    root = Path(solara.__file__).parent
    found = set()
    for path in root.rglob("*"):
        if path.suffix not in {".j2", ".html", ".vue", ".py", ".js"} or "website" in path.parts:
            continue
        for name, version, file in CDN_REFERENCE.findall(path.read_text(errors="ignore")):
            found.add((name, version, file.replace("{{ipywidget_major_version}}", IPYWIDGETS_MAJOR)))
    fontawesome = solara.server.settings.assets.fontawesome_path.strip("/")
    name_version, _, file = fontawesome.partition("/")
    found.add((*name_version.rsplit("@", 1), file))
    return found


def test_every_asset_solara_names_is_listed_or_said_to_be_unused():
    listed = {(p.name, p.version, f) for p in assets.PACKAGES for f in p.files}
    unlisted = {(n, v, f) for n, v, f in solara_references() - listed
                if n not in assets.UNUSED and f"{n}@{v}/{f}" not in assets.UNUSED}
    assert unlisted == set()


def test_every_listed_asset_is_one_solara_names():
    listed = {(p.name, p.version, f) for p in assets.PACKAGES for f in p.files}
    assert listed - solara_references() == set()


def test_the_fetch_script_fetches_the_list_the_dashboard_checks():
    script = (Path(__file__).resolve().parents[1] / "scripts" / "fetch_solara_assets.sh").read_text()
    assert '"$root/src/hta_sim/dashboard/assets.py" "$cache"' in script  # one list, not two


def _tarball(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


@pytest.fixture
def registry(monkeypatch):
    """A local npm registry serving each listed package with its files; ``served[spec]`` tarballs."""
    tarballs = {p.spec: _tarball({f: f"{p.spec}/{f}".encode() for f in (*p.files, "package.json")})
                for p in assets.PACKAGES}
    corrupt = set()
    hits = []

    with npm_registry.serve(tarballs, corrupt, hits) as url:
        monkeypatch.setenv("npm_config_registry", url)
        yield hits, corrupt


def test_a_cold_cache_is_filled_once_from_the_registry(registry, tmp_path):
    hits, _ = registry
    assert assets.missing(tmp_path) != []
    lines = []
    assets.ensure(tmp_path, say=lines.append)
    assert assets.missing(tmp_path) == []
    assert len(lines) == len(assets.PACKAGES) and len(hits) == 2 * len(assets.PACKAGES)
    spec = assets.PACKAGES[0].spec
    assert (tmp_path / spec / assets.PACKAGES[0].files[0]).read_bytes() == \
        f"{spec}/{assets.PACKAGES[0].files[0]}".encode()
    assets.ensure(tmp_path, say=lines.append)  # warm: nothing fetched again
    assert len(hits) == 2 * len(assets.PACKAGES)


def test_a_tarball_that_fails_its_checksum_is_refused_and_not_kept(registry, tmp_path):
    _, corrupt = registry
    corrupt.add(assets.PACKAGES[0].spec)
    with pytest.raises(assets.AssetError, match="does not match the registry's sha512"):
        assets.ensure(tmp_path, say=lambda line: None)
    assert not (tmp_path / assets.PACKAGES[0].spec).exists()


def test_the_cache_is_the_variable_or_a_user_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(assets.CACHE_VARIABLE, str(tmp_path / "mine"))
    assert assets.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv(assets.CACHE_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert assets.cache_dir() == tmp_path / "hta-sim" / "solara-cdn"


def test_the_dashboard_extra_and_the_cli_check_agree():
    """pyproject's `dashboard` extra pins what `hta-sim dashboard` checks, and what is installed."""
    import tomllib
    from importlib import metadata

    from hta_sim.dashboard import server

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    extra = {re.split(r"[<>=!~]", spec, maxsplit=1)[0]: spec
             for spec in project["project"]["optional-dependencies"]["dashboard"]}
    for dist, lowest, below, wanted in server.LIBRARIES:
        assert extra[dist] == f"{dist}{wanted}", dist
        assert lowest <= server._version(metadata.version(dist)) < below, dist
    assert "mesa==3.5.*" in project["project"]["dependencies"][0]  # plain mesa: no ipyvuetify 3
    assert metadata.version("solara").startswith("1.64.")  # the release assets.PACKAGES lists
