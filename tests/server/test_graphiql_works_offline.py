"""GraphiQL at GET /graphql works with no network beyond the app (issue 10, item 12).

A real headless Chromium (the system's, driven by Playwright) opens the page with every request
to another host refused, and does what the welcome text says: runs its login mutation against
the demo data, puts the token into the Headers tab, runs `me`, and follows a subscription over
graphql-transport-ws. Strawberry's own page loaded React and GraphiQL from a public CDN: offline
it stayed on "Loading…"."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from server.seed import seed_demo
from tests.conftest import IN_CI, RunningServer

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# CodeMirror 5 keeps each editor on its wrapper element: the way to read and write one.
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
RESPONSE = ".graphiql-response .CodeMirror"


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


async def editor_text(page: Any, selector: str) -> str:
    text: str = await page.eval_on_selector(selector, "e => e.CodeMirror.getValue()")
    return text


async def set_editor(page: Any, selector: str, text: str) -> None:
    await page.eval_on_selector(selector, "(e, text) => e.CodeMirror.setValue(text)", text)


async def set_query(page: Any, text: str, *, operation: str) -> None:
    """A new document, once GraphiQL has read it: its (debounced) parse names the tab."""
    await set_editor(page, QUERY_EDITOR, text)
    await page.wait_for_function(
        "name => document.querySelector('.graphiql-tab-active')?.textContent.includes(name)", arg=operation
    )


async def run_and_read(page: Any, expect: str) -> dict[str, Any]:
    """Press ▶ and wait until the response pane holds ``expect``; its JSON."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    await page.click(".graphiql-execute-button")
    try:
        await page.wait_for_function(
            "([selector, expect]) => document.querySelector(selector)?.CodeMirror.getValue().includes(expect)",
            arg=[RESPONSE, expect],
            timeout=15_000,
        )
    except PlaywrightTimeout:
        shown = await page.eval_on_selector(RESPONSE, "e => e.CodeMirror.getValue()")
        raise AssertionError(f"no {expect!r} in the response pane: {shown!r}") from None
    result: dict[str, Any] = json.loads(await editor_text(page, RESPONSE))
    return result


async def test_the_welcome_text_logs_in_queries_and_subscribes_with_no_network(
    chromium: Any, server: RunningServer, tmp_path: Path
) -> None:
    assert await seed_demo()
    context = await chromium.new_context()
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
    try:
        await page.goto(server.url, wait_until="load")
        await page.wait_for_selector(QUERY_EDITOR, timeout=15_000)
        welcome = await editor_text(page, QUERY_EDITOR)
        assert (
            "authLogin" in welcome
            and "Headers tab" in welcome
            and '{"Authorization": "Bearer <accessToken>"}' in welcome
        )

        # 1. The welcome's own mutation, as it stands, logs the demo operator in.
        login = await run_and_read(page, "accessToken")
        token = login["data"]["authLogin"]["accessToken"]
        assert login["data"]["authLogin"]["person"]["name"] == "陈运营 Operator Chen"

        # 2. The token goes into the Headers tab; 3. the first query runs as that person.
        await page.get_by_role("button", name="Headers").click()
        await set_editor(page, HEADERS_EDITOR, json.dumps({"Authorization": f"Bearer {token}"}))
        await set_query(page, "query Me { me { name } }", operation="Me")
        me = await run_and_read(page, "Operator Chen")
        assert me == {"data": {"me": {"name": "陈运营 Operator Chen"}}}

        # A subscription over graphql-transport-ws, logged in by the same header (connection_init):
        # replayed from the start, the demo's events arrive (the pane shows the latest).
        await set_query(page, 'subscription Live { eventUpdates(after: "0") { kind event { id } } }', operation="Live")
        live = await run_and_read(page, '"kind": "EVENT_')
        assert live["data"]["eventUpdates"]["event"]["id"]

        await page.screenshot(path=str(tmp_path / "graphiql.png"), full_page=True)
    finally:
        await context.close()
    assert outside == [], f"the page asked other hosts: {outside}"
    assert errors == [], errors


async def test_the_page_and_its_assets_come_from_the_app(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        page = await http.get(server.url, headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "https://" not in page.text and "http://" not in page.text and "//unpkg" not in page.text
        base = server.url.rsplit("/", 1)[0]
        for name in (
            "react-18.3.1.min.js",
            "react-dom-18.3.1.min.js",
            "graphiql-4.0.1.min.js",
            "graphiql-4.0.1.min.css",
        ):
            assert f'"graphiql/{name}"' in page.text
            asset = await http.get(f"{base}/graphiql/{name}", headers={"Accept-Encoding": "gzip"})
            assert asset.status_code == 200, name
            assert asset.headers["content-encoding"] == "gzip"
            assert "immutable" in asset.headers["cache-control"]
        assert (await http.get(f"{base}/graphiql/README.md")).status_code == 404
