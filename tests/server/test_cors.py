"""Browser apps on allowed origins pass CORS; others do not."""

from __future__ import annotations


async def test_browser_apps_on_allowed_origins_pass_cors(database_url: str) -> None:
    import httpx

    from server.app import create_app
    from tests.conftest import test_settings

    app = create_app(test_settings(database_url, allowed_origins=("https://ioc.example",)))
    preflight = {
        "Origin": "https://ioc.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        allowed = await http.options("/graphql", headers=preflight)
        refused = await http.options("/graphql", headers={**preflight, "Origin": "https://evil.example"})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://ioc.example"
    assert "access-control-allow-origin" not in refused.headers
