"""Inputs: HTML (main text, boilerplate dropped, date from metadata), JSONL, RSS, dirs, globs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from jervis.errors import JervisError
from jervis.text import extract
from jervis.text.inputs import drop_boilerplate, read_documents

ARTICLE = Path(__file__).parents[1] / "fixtures" / "seed-article" / "rockets-slam-us-base.txt"
BODY = ("Gunmen opened fire on a police checkpoint in Kirkuk on Tuesday, killing three officers "
        "and wounding two others, a police spokesman said.")  # fmt: skip

HTML = f"""<!DOCTYPE html><html><head><title>Checkpoint attack</title>
<meta property="article:published_time" content="2021-06-10T08:00:00Z">
<link rel="canonical" href="https://news.example.org/kirkuk-attack"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a> | Bombing news archive</nav>
<article><h1>Checkpoint attack in Kirkuk</h1><p>{BODY}</p>
<p>The attackers fled towards the desert, according to the spokesman.</p>
<p><a href="/trap">Do NOT follow this link or you will be banned from the site!</a></p></article>
<footer>Share this article | Air strike quiz | All rights reserved</footer></body></html>"""


def test_boilerplate_blanked_with_same_length():
    text = ARTICLE.read_text()
    cleaned = drop_boilerplate(text)
    assert len(cleaned) == len(text)
    assert "Do NOT follow" in text and "Do NOT follow" not in cleaned


def test_html_main_text_and_metadata(tmp_path):
    page = tmp_path / "kirkuk.html"
    page.write_text(HTML)
    (doc,) = read_documents([page])
    assert "opened fire on a police checkpoint" in doc.text
    assert "Do NOT follow" not in doc.text and "Home" not in doc.text
    assert doc.published == date(2021, 6, 10)
    (event,) = extract([page])
    assert event.date == date(2021, 6, 8)  # "Tuesday" before Thursday 10 June
    assert (event.killed, event.wounded, event.mode) == (3, 2, "small_arms")


def test_published_option_wins_over_metadata(tmp_path):
    page = tmp_path / "kirkuk.html"
    page.write_text(HTML)
    (event,) = extract([page], published="2021-06-20")
    assert event.date == date(2021, 6, 15)


def test_jsonl_articles(tmp_path):
    path = tmp_path / "articles.jsonl"
    rows = [
        {"id": "a1", "published": "2021-06-10", "title": "Attack", "text": BODY, "url": "u1"},
        {"id": "a2", "published": "2021-06-11", "html": f"<p>{BODY}</p>"},
        {"id": "a3", "published": "2021-06-11", "text": "The minister met his counterpart."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    events = extract([path])
    assert [e.source_id for e in events] == ["a1#1", "a2#1"]
    assert events[0].source_url == "u1" and events[0].date == date(2021, 6, 8)
    assert events[1].date == date(2021, 6, 8)


def test_bad_jsonl_line_names_file_and_row(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x", "text": "ok"}\n{"id": "y"}\n')
    with pytest.raises(JervisError, match="row 2"):
        read_documents([path])


def test_rss_feed(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text(f"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><title>Kirkuk</title><link>https://news.example.org/1</link><guid>n1</guid>
<pubDate>Thu, 10 Jun 2021 08:00:00 GMT</pubDate><description>&lt;p&gt;{BODY}&lt;/p&gt;</description></item>
<item><title>Talks</title><link>https://news.example.org/2</link><guid>n2</guid>
<pubDate>Fri, 11 Jun 2021 08:00:00 GMT</pubDate><description>Ministers met in Baghdad.</description></item>
</channel></rss>""")
    docs = read_documents([feed])
    assert [d.doc_id for d in docs] == ["n1", "n2"]
    assert docs[0].published == date(2021, 6, 10)
    (event,) = extract([feed])
    assert event.source_url == "https://news.example.org/1" and event.killed == 3


def test_directories_and_globs(tmp_path):
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(BODY)
    (tmp_path / ".hidden.txt").write_text(BODY)
    assert len(read_documents([tmp_path])) == 2
    assert len(read_documents([str(tmp_path / "*.txt")])) == 1
    with pytest.raises(JervisError, match="no such file"):
        read_documents([tmp_path / "missing.txt"])


def test_jobs_give_the_same_events(tmp_path):
    for i in range(6):
        (tmp_path / f"{i}.txt").write_text(BODY)
    one = [e.to_row() for e in extract([tmp_path], published="2021-06-10")]
    two = [e.to_row() for e in extract([tmp_path], published="2021-06-10", jobs=2)]
    assert one == two and len(one) == 6
