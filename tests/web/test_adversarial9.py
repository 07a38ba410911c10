"""Adversarial round 9 on the web app: a page's error came back as JSON (`GET
/events?start=2020-02-30` from a client that does not send `Accept: text/html`, as curl and
scripts do not), while the API's errors stay problem documents. Failed before its fix."""

from __future__ import annotations


def test_page_errors_are_html_pages_and_api_errors_stay_json(make_client):
    client = make_client()
    page = client.get("/events", params={"start": "2020-02-30<script>"})  # was problem+json
    api = client.get("/api/events", params={"start": "2020-02-30<script>"})
    assert page.status_code == api.status_code and page.status_code >= 400, page.text
    assert page.headers["content-type"].startswith("text/html"), page.headers["content-type"]
    assert "<script>" not in page.text and "HTTP " + str(page.status_code) in page.text
    assert api.headers["content-type"] == "application/problem+json"
    missing = client.get("/events/no-such-event")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    # a script that asks for JSON still gets it
    asked = client.get("/events", params={"start": "2020-02-30"}, headers={"accept": "application/json"})
    assert asked.headers["content-type"] == "application/problem+json"
