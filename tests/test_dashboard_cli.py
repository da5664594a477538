"""`hta-sim dashboard`: loopback by default, a warning for any other host, one-line errors."""

import pytest

from hta_sim import cli
from hta_sim.dashboard import server


@pytest.fixture
def served(monkeypatch):
    """Record what the CLI would serve instead of starting a server."""
    calls = []
    monkeypatch.setattr(server, "serve", lambda host, port: calls.append((host, port)) or 0)
    return calls


def test_loopback_and_port_8765_by_default(served):
    assert cli.main(["dashboard"]) == 0
    assert served == [("127.0.0.1", 8765)]


def test_host_and_port_are_passed_on(served):
    assert cli.main(["dashboard", "--host", "0.0.0.0", "--port", "9000"]) == 0
    assert served == [("0.0.0.0", 9000)]


@pytest.mark.parametrize("port", ["0", "65536", "web"])
def test_a_bad_port_gets_one_line_and_exit_2(port, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["dashboard", "--port", port])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and port in err


def test_a_missing_extra_gets_one_line_and_exit_2(monkeypatch, capsys):
    monkeypatch.setattr(server, "missing_extra", lambda: "solara")
    assert cli.main(["dashboard"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "hta-sim[dashboard]" in err


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
