"""`hta-sim dashboard`: loopback by default, a warning for any other host, one-line refusals.

Each refusal (a missing or wrong library, an address that cannot be bound, assets out of reach) is
one line on stderr and exit status 2, before any server starts.
"""

import socket
from importlib import metadata

import pytest

from hta_sim import cli
from hta_sim.dashboard import assets, server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(monkeypatch):
    """Record what the CLI would serve instead of starting a server; assets count as present."""
    calls = []
    monkeypatch.setattr(server, "serve", lambda host, port: calls.append((host, port)) or 0)
    monkeypatch.setattr(server, "prepare_assets", lambda: None)
    return calls


def test_loopback_and_port_8765_by_default(served, monkeypatch):
    bound = []
    monkeypatch.setattr(server, "host_problem", lambda host, port: bound.append((host, port)))
    assert cli.main(["dashboard"]) == 0
    assert served == [("127.0.0.1", 8765)] == bound


def test_host_and_port_are_passed_on(served):
    port = _free_port()
    assert cli.main(["dashboard", "--host", "0.0.0.0", "--port", str(port)]) == 0
    assert served == [("0.0.0.0", port)]


def _one_line_refusal(capsys, argv) -> str:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("hta-sim: error: ")
    return err


@pytest.mark.parametrize("port", ["0", "65536", "web"])
def test_a_bad_port_gets_one_line_and_exit_2(port, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["dashboard", "--port", port])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and port in err


@pytest.mark.parametrize("host", ["127.0.0.999", "300.1.1.1", "1.2.3"])
def test_a_bad_address_gets_one_line_and_exit_2(host, served, capsys):
    err = _one_line_refusal(capsys, ["dashboard", "--host", host, "--port", str(_free_port())])
    assert f"'{host}' is not an IPv4 address" in err and served == []


def test_an_address_of_another_machine_gets_one_line_and_exit_2(served, capsys):
    err = _one_line_refusal(capsys, ["dashboard", "--host", "192.0.2.1", "--port", str(_free_port())])
    assert "cannot listen on 192.0.2.1:" in err and served == []  # TEST-NET-1: never local


def test_a_port_in_use_gets_one_line_and_exit_2(served, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        err = _one_line_refusal(capsys, ["dashboard", "--port", str(port)])
    assert f"cannot listen on 127.0.0.1:{port}" in err and served == []


def test_a_missing_extra_gets_one_line_and_exit_2(served, monkeypatch, capsys):
    real = metadata.version

    def version(dist):
        if dist == "ipyvuetify":
            raise metadata.PackageNotFoundError(dist)
        return real(dist)

    monkeypatch.setattr(metadata, "version", version)
    err = _one_line_refusal(capsys, ["dashboard"])
    assert "ipyvuetify is not installed" in err and "hta-sim[dashboard]" in err and served == []


@pytest.mark.parametrize(("dist", "installed"), [("ipyvuetify", "3.1.0"), ("ipyvue", "3.1.0"),
                                                 ("solara", "1.58.2")])
def test_a_wrong_major_gets_one_line_naming_the_fix(dist, installed, served, monkeypatch, capsys):
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda d: installed if d == dist else real(d))
    err = _one_line_refusal(capsys, ["dashboard"])
    assert f"{dist} {installed} is installed" in err and "pip install 'hta-sim[dashboard]'" in err
    assert served == []


def test_the_installed_libraries_are_the_ones_that_work():
    assert server.library_problem() is None


def test_assets_out_of_reach_get_one_line_with_the_fix(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(server, "serve", lambda host, port: pytest.fail("served without assets"))
    monkeypatch.setenv(assets.CACHE_VARIABLE, str(tmp_path / "empty"))
    monkeypatch.setenv("npm_config_registry", f"http://127.0.0.1:{_free_port()}/")  # nobody there
    err = _one_line_refusal(capsys, ["dashboard", "--port", str(_free_port())])
    assert "is not in" in err and "python -m hta_sim.dashboard.assets" in err


def test_another_host_is_warned_about_before_serving(monkeypatch, capsys):
    import solara.__main__

    monkeypatch.setenv("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # serve() sets it; undone after
    started = []
    monkeypatch.setattr(solara.__main__.cli, "main", lambda **kw: started.append(kw["args"]))
    assert server.serve("0.0.0.0", 9001) == 0
    assert "exposes the page" in capsys.readouterr().err
    args = started[0]
    assert args[args.index("--host") + 1] == "0.0.0.0" and args[args.index("--port") + 1] == "9001"
    assert server.serve("127.0.0.1", 9002) == 0
    assert capsys.readouterr().err == ""
