"""The operations centre's page at /ioc, in a real headless Chromium (the system's, driven by
Playwright as the GraphiQL test does): an operator logs in, sees the panels, a smoke alarm posted
to /telemetry appears in the live list and the active-alarm counter moves without a reload, and
the Acknowledge button acknowledges it. Every request stays on this machine (no CDN)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import IN_CI, RunningServer
from tests.devices.support import register
from tests.support import PASSWORD, Api, World

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
async def chromium() -> AsyncIterator[Any]:
    executable = shutil.which("chromium")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        executable = None
    if executable is None:
        reason = "needs the system Chromium (`apt-get install chromium`) and playwright (the dev set)"
        if IN_CI:
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, headless=True)
        yield browser
        await browser.close()


async def test_an_operator_sees_an_alarm_arrive_live_and_acknowledges_it(
    chromium: Any, api: Api, world: World, server: RunningServer, tmp_path: Path
) -> None:
    base = server.url.removesuffix("/graphql")
    _, key = await register(api, world)
    context = await chromium.new_context(viewport={"width": 1280, "height": 800})
    outside: list[str] = []

    async def only_this_machine(route: Any) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    await context.route("**/*", only_this_machine)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    screenshot = tmp_path / "ioc.png"
    try:
        await page.goto(f"{base}/ioc", wait_until="load")
        await page.fill("#login-phone", world.operator_a.phone)
        await page.fill("#login-password", PASSWORD)
        await page.click("#login-submit")
        await page.wait_for_selector("#count-alarms-active", timeout=15_000)
        assert await page.text_content("#count-alarms-active") == "0"
        assert await page.is_hidden("#login")
        assert await page.text_content("#community") == "· Alpha Garden"
        await page.wait_for_function("document.getElementById('status').textContent === 'live'", timeout=15_000)
        await page.evaluate("window.notReloaded = true")

        async with httpx.AsyncClient() as http:
            posted = await http.post(
                f"{base}/telemetry",
                json={"readings": [{"metric": "smoke", "value": 40}]},
                headers={"X-Device-Key": key},
            )
        assert posted.status_code == 200, posted.text
        row = "#feed li[data-alarm-id]"
        await page.wait_for_selector(f"{row} button.ack", timeout=15_000)
        assert "SMOKE at 101" in (await page.text_content(row) or "")
        await page.wait_for_function(
            "document.getElementById('count-alarms-active').textContent === '1'", timeout=15_000
        )
        assert await page.evaluate("window.notReloaded") is True

        await page.click(f"{row} button.ack")
        await page.wait_for_selector(f"{row}.acknowledged", timeout=15_000)
        assert await page.text_content(f"{row} .state") == "acknowledged"
        await page.wait_for_function(
            "document.querySelector('#panel-alarms-active .figure small').textContent === '0 unacknowledged'",
            timeout=15_000,
        )
        assert await page.evaluate("window.notReloaded") is True
        assert await page.locator(f"{row} button.ack").count() == 0
    finally:
        await page.screenshot(path=str(screenshot), full_page=True)
        print(f"\nIOC page screenshot: {screenshot}")
        await context.close()
    assert outside == [], f"the page asked other hosts: {outside}"
    assert errors == [], errors


async def test_the_page_and_its_assets_come_from_the_app(server: RunningServer) -> None:
    base = server.url.removesuffix("/graphql")
    async with httpx.AsyncClient() as http:
        page = await http.get(f"{base}/ioc")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "ioc/gqlws.js" in page.text and "//" not in page.text.split("<body>")[1].replace("://", "")
        for name, media in (("ioc.js", "text/javascript"), ("gqlws.js", "text/javascript"), ("ioc.css", "text/css")):
            asset = await http.get(f"{base}/ioc/{name}")
            assert asset.status_code == 200 and asset.headers["content-type"].startswith(media), name
        assert (await http.get(f"{base}/ioc/../settings.py")).status_code == 404
        assert (await http.get(f"{base}/ioc/index.html")).status_code == 404


async def test_the_page_is_served_in_production_too() -> None:
    """Unlike GraphiQL: it is the operators' front end, holds no secret, and introspects nothing."""
    from server.app import create_app
    from server.settings import Secret, Settings

    prod = create_app(
        Settings(
            env="production",
            jwt_secret=Secret("9c2e7a4f1b8d3e6a0f5c2b9e7d4a1f8c3e6b0d5a"),
            database_url="postgres://u@127.0.0.1:1/none",
            public_url="https://x",
            sms_gateway_url="https://sms.example.com/send",
        )
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=prod), base_url="http://t") as http:
        page = await http.get("/ioc")
        assert page.status_code == 200 and "Lingli operations centre" in page.text
        assert (await http.get("/ioc/gqlws.js")).status_code == 200
