"""Date cues in a sentence and their resolution against the publication date.

Rules (documented in docs/extraction.md):
- A weekday name is the most recent such day on or before publication (wire style: an article
  published on a Wednesday says "Wednesday" for that day, "last Wednesday" for a week earlier
  only when the same weekday is meant; "last Wednesday" on a Saturday is the same as "Wednesday").
- "today", "hours ago", "this morning", "tonight" -> publication day; "yesterday", "last night",
  "overnight" -> the day before; "N days ago" -> N days before; "N days earlier" -> N days
  before the previous dated event (before publication when there is none); all precision "day".
- "the next day", "the following day", "a day later" -> the day after the previous event's date.
- "a day after X" / "two days before X" date X from the previous event: a day before it / two
  days after it (the main clause's event is dated first).
- "last week", "this week", "earlier this week" -> precision "week"; "last month" and "in June"
  -> precision "month"; "last year", "in 2014" -> precision "year".
- Explicit dates ("March 11", "11 March 2020", "2020-03-11") are parsed by dateparser with the
  publication date as RELATIVE_BASE and PREFER_DATES_FROM='past'; only these candidate phrases
  go to dateparser (it is slow), never every token.
- No cue: the publication date with precision "week" (news reports events of the last days); no
  publication date either: date None, precision "unknown".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

# month and weekday names, shared with the readers of roles (actors.py, extract.py)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
           "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")  # fmt: skip
_PART = r"(?:\s+(?:morning|afternoon|evening|night|midday|noon))?"
_COUNT = r"(?:a|one|two|three|four|five|six|seven|eight|nine|ten|\d+)"  # "N days ..."

_PATTERNS: list[tuple[str, str]] = [
    ("iso", r"\b\d{4}-\d{2}-\d{2}\b"),
    ("explicit", r"\b(?:" + MONTHS + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?\b"),
    ("explicit", r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + MONTHS + r")\.?(?:,?\s+\d{4})?\b"),
    ("weekday", r"\b(?:(?:on|last|this|early|late|past)\s+)?(?:" + "|".join(WEEKDAYS) + r")" + _PART
     + r"\b"),
    ("hours_ago", r"\b(?:(?:a\s+few|several|\d+|two|three|four|five|six|some)\s+)?hours?\s+ago\b"),
    ("today", r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening)|earlier\s+today|"
     r"on\s+the\s+same\s+day\s+as\s+publication)\b"),
    ("yesterday", r"\b(?:yesterday|last\s+night|overnight|the\s+previous\s+night)\b"),
    # "N days ago/earlier" (days_ago), "N days after/before X" (days_apart), "N days later"
    # (days_later), "N weeks later" (weeks_later): one branch, the kind told by its words
    ("days", r"\b" + _COUNT + r"\s+(?:days?\s+(?:ago|earlier|after|before|later)|weeks?\s+later)\b"),
    # "the next day", "the day after"; "the following week" is weeks_later (find_cues)
    ("next_day", r"\b(?:the\s+(?:next|following)\s+(?:day|morning|night|evening|week)|"
     r"the\s+day\s+after)\b"),
    ("week", r"\b(?:last|this|past|earlier\s+this|late\s+last|previous)\s+week(?:end)?\b"),
    ("month", r"\b(?:last|this|earlier\s+this|late\s+last)\s+month\b"),
    ("month_name", r"\b(?:in|during|since|last|early|late|mid-?)\s+(?:" + MONTHS
     + r")\b(?:\s+\d{4})?"),
    # other centuries only after "in"/"during" ("of 1500 people" is a count)
    ("year", r"\b(?:in|during|of)\s+(?:19|20)\d{2}\b|\b(?:in|during)\s+(?:1[0-8]|2[1-9])\d{2}\b|"
     r"\blast\s+year\b"),
    ("years_ago", r"\b(?:a|one|two|three|four|five|six|seven|eight|nine|ten|several|many|\d+)\s+"
     r"(?:years?|decades?)\s+(?:ago|earlier)\b"),
]
# Every pattern (each branch of it) starts at a word boundary, then a word character: both are
# tested once per position before the alternation (the same matches, twice as fast as each
# alternative testing them; a new pattern must start the same way)
CUE_RE = re.compile(r"\b(?=\w)(?:" + "|".join(f"(?P<{kind}{i}>{pat})" for i, (kind, pat)
                                         in enumerate(_PATTERNS)) + ")", re.IGNORECASE)  # fmt: skip
_KIND = {f"{kind}{i}": kind for i, (kind, _) in enumerate(_PATTERNS)}
_DAYS_KIND = {"ago": "days_ago", "earlier": "days_ago", "after": "days_apart",
              "before": "days_apart", "later": "days_later"}  # fmt: skip
_YEARS = {"several": 3, "many": 5}
_NUM = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10}


_RELATIVE_WORDS = re.compile(r"\b(?:ago|today|yesterday|tomorrow|now|last|next|this)\b", re.I)


@dataclass(frozen=True)
class DateCue:
    kind: str
    text: str
    start: int  # offsets within the sentence
    end: int


def find_cues(sentence: str) -> list[DateCue]:
    """All date expressions in a (normalised) sentence, in order."""
    out = []
    for match in CUE_RE.finditer(sentence):
        kind = _KIND[match.lastgroup]
        text = match.group(0)
        if kind == "days" or kind == "next_day":
            words = text.lower().split()
            kind = "weeks_later" if words[-1] == "week" or words[-2].startswith("week") else (
                _DAYS_KIND[words[-1]] if kind == "days" else kind)
        out.append(DateCue(kind, text, match.start(), match.end()))
    return out


def to_date(value: date | datetime | str | None) -> date | None:
    """A publication date from a date, datetime or ISO-like string (None stays None)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from jervis.errors import JervisError

    if not isinstance(value, str):  # a number or a flag is no date (20230510 is ambiguous)
        raise JervisError(f"not a date: {value!r} (use YYYY-MM-DD)")
    text = value.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        # a date written out ("Tue, 10 May 2023 08:00 GMT", "May 10, 2023"): it must name its
        # year; words relative to today ("yesterday") would date the article by the clock
        parsed = _dateparser(text, None) if re.search(r"(?<!\d)\d{4}(?!\d)", text) else None
        if parsed is None or _RELATIVE_WORDS.search(text):
            raise JervisError(f"not a date: {text!r} (use YYYY-MM-DD)") from None
        return parsed


# An event cannot have happened after the report of it was published: a resolved day later than
# the publication day plus this slack (a report dated in one time zone about an event that was
# already the next day in another) is a misreading, and dates nothing.
SLACK = timedelta(days=1)
# The days a store can hold (jervis.store.validate.DATE_MIN/MAX, pandas' nanosecond timestamps):
# a day outside them ("1 January 0001") is no date an analysis could use, and dates nothing
CALENDAR_MIN, CALENDAR_MAX = date(1677, 9, 22), date(2262, 4, 11)


def resolve(
    cue: DateCue | None, published: date | None, previous: date | None = None, *,
    main: bool = False,
) -> tuple[date | None, str]:  # fmt: skip
    """(date, precision) for a cue; see the module docstring for the rules. A cue that points
    outside the calendar ("800000 days ago", a day a store cannot hold) or after publication
    (beyond one day) dates nothing. ``main``: a "N days after/before X" cue dates the clause it opens, X being the
    event dated before (otherwise it dates X, from the clause dated before it)."""
    try:
        day, precision = _resolve(cue, published, previous, main)
    except (OverflowError, ValueError):
        return None, "unknown"
    if day is not None and published is not None and day - published > SLACK:  # (no date past 9999)
        return None, "unknown"
    if day is not None and precision != "year" and not CALENDAR_MIN <= day <= CALENDAR_MAX:
        return None, "unknown"  # (a year alone is history, or a future year: see is_background)
    return day, precision


def _days(text: str) -> int:
    """The number of days of "a day ...", "two days ...", "12 days ..." (one if unreadable)."""
    word = text.split()[0]
    return int(word) if word.isdigit() else _NUM.get(word, 1)


def _resolve(cue: DateCue | None, published: date | None, previous: date | None,
             main: bool = False) -> tuple[date | None, str]:  # fmt: skip
    if cue is None:
        return (published, "week") if published else (None, "unknown")
    kind, text = cue.kind, cue.text.lower()
    if kind == "iso":
        return date.fromisoformat(cue.text), "day"
    if kind == "explicit":
        if published is None and not re.search(r"\d{4}", cue.text):
            return None, "unknown"  # "March 11" of which year?
        parsed = _dateparser(cue.text, published)
        if parsed is None:
            return (published, "week") if published else (None, "unknown")
        if published and parsed > published + SLACK and not re.search(r"\d{4}", cue.text):
            parsed = _year_before(parsed)  # "December 25" read in May: last December
        return parsed, "day"
    if published is None:
        if kind == "year":
            match = re.search(r"\d{4}", text)
            if match:
                return date(int(match.group(0)), 1, 1), "year"
        return None, "unknown"
    if kind == "weekday":
        name = next(w for w in WEEKDAYS if w in text)
        back = (published.weekday() - WEEKDAYS.index(name)) % 7
        if back == 0 and re.match(r"(?:last|past)\b", text):
            back = 7
        return published - timedelta(days=back), "day"
    if kind in ("hours_ago", "today"):
        return published, "day"
    if kind == "yesterday":
        return published - timedelta(days=1), "day"
    if kind == "days_ago":
        n = _days(text)
        if text.endswith("earlier") and previous is not None:
            return previous - timedelta(days=n), "day"  # "a day earlier": than the event before
        return published - timedelta(days=n), "day"
    if kind == "days_apart":  # "a day after the bombing": the bombing is a day before the
        # event the sentence dated first (the previous one); "two days before" the other way
        n = _days(text)
        if previous is None:
            return (published, "week")
        if main:  # "A day after the shelling, a bomber struck": the bomber's day follows
            return previous + timedelta(days=-n if text.endswith("before") else n), "day"
        return previous + timedelta(days=n if text.endswith("before") else -n), "day"
    if kind == "next_day":
        if previous is None:
            return published, "week"
        return previous + timedelta(days=1), "day"
    if kind == "days_later":  # "three days later": counted from the event dated before
        if previous is None:
            return published, "week"
        return previous + timedelta(days=_days(text)), "day"
    if kind == "weeks_later":  # "the following week", "two weeks later"
        if previous is None:
            return published, "week"
        return previous + timedelta(days=7 * _days(text)), "week"  # "the following week": 1
    if kind == "week":
        if text.startswith(("last", "late last", "previous")):
            return published - timedelta(days=7), "week"
        return published, "week"
    if kind == "month":
        if text.startswith(("last", "late last")):
            first = published.replace(day=1) - timedelta(days=1)
            return first.replace(day=1), "month"
        return published.replace(day=1), "month"
    if kind == "month_name":
        parsed = _dateparser(re.sub(r"^(?:in|during|since|last|early|late|mid-?)\s+", "", text),
                             published)  # fmt: skip
        if parsed is None:
            return published, "week"
        if parsed.replace(day=1) > published and not re.search(r"\d{4}", text):
            parsed = _year_before(parsed)  # "in December" read in May: last December
        return parsed.replace(day=1), "month"
    if kind == "years_ago":
        word = text.split()[0]
        n = int(word) if word.isdigit() else _NUM.get(word, _YEARS.get(word, 2))
        n *= 10 if "decade" in text else 1
        return date(max(1, published.year - n), 1, 1), "year"  # ("3000 years ago": history)
    if kind == "year":
        match = re.search(r"\d{4}", text)
        year = int(match.group(0)) if match else published.year - 1
        return date(year, 1, 1), "year"
    return published, "week"


def _year_before(day: date) -> date:
    """The same day and month a year earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


_MONTH_NUM = {m[:3]: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(),
    start=1)}  # fmt: skip
_FAST = (
    re.compile(r"^(?P<m>[a-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{4}))?$", re.I),
    re.compile(r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>[a-z]+)\.?(?:,?\s+(?P<y>\d{4}))?$",
               re.I),
    re.compile(r"^(?P<m>[a-z]+)(?:\s+(?P<y>\d{4}))?$", re.I),
)


def _fast_parse(text: str, base: date | None) -> date | None:
    """Common English date forms without dateparser (which costs milliseconds per call)."""
    for pattern in _FAST:
        match = pattern.match(text.strip())
        if not match:
            continue
        month = _MONTH_NUM.get(match.group("m")[:3].lower())
        if month is None:
            return None
        groups = match.groupdict()
        year = int(groups["y"]) if groups.get("y") else (base.year if base else date.today().year)
        try:
            return date(year, month, int(groups.get("d") or 1))
        except ValueError:
            return None
    return None


@lru_cache(maxsize=4096)
def _dateparser(text: str, base: date | None) -> date | None:
    fast = _fast_parse(text, base)
    if fast is not None:
        return fast
    import dateparser

    settings = {"PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first",
                "REQUIRE_PARTS": [], "RETURN_AS_TIMEZONE_AWARE": False}  # fmt: skip
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day, 12)
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


def is_background(day: date | None, precision: str, published: date | None) -> bool:
    """An event dated only by a past year, or by a week or month more than a year before
    publication, is history ("the 1998 bombing of the station", "the groups it armed
    2014-2017"): a news report mentions it as background, it is not news. An attack dated to
    its day ("the March 3, 2016 bombing") is a concrete event however old, and is kept. Without
    a publication date, an event dated only by its year is taken as background too.
    """
    if day is None:
        return False
    if published is None:
        return precision == "year"
    if precision == "year":
        return day.year < published.year
    if precision == "day":
        return False  # "the March 3, 2016 bombing": a concrete attack with its day, not history
    return (published - day).days > 365
