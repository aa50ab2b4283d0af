"""Fixtures of the knowledge-base tests: seed copies, a migrated SQLite file, the app.

These fixtures stand alone: each test gets its own database and its own copy
of the fixture seeds, so tests may rewrite seed files and reload them.
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
from pathlib import Path

import pytest
from sanic import Sanic
from sanic_testing.testing import SanicASGITestClient

from desk.app import create_app
from desk.kb.synonyms import Synonyms, load_synonyms
from desk.kb.tokenizer import Tokenizer
from desk.migrations.runner import upgrade_to_head
from desk.seeds import load_seeds_from_dir
from desk.settings import ROOT, Settings

FIXTURE_SEEDS = Path(__file__).parent / "fixtures" / "seeds"
REAL_SEEDS = ROOT / "seeds"

_app_numbers = itertools.count()


@pytest.fixture(scope="session")
def real_synonyms() -> Synonyms:
    """Return the synonyms of the repository's ``seeds/synonyms.yml``."""
    return load_synonyms(REAL_SEEDS / "synonyms.yml")


@pytest.fixture(scope="session")
def tokenizer(real_synonyms: Synonyms) -> Tokenizer:
    """Return a tokenizer with the real dictionary and synonyms."""
    return Tokenizer(real_synonyms)


@pytest.fixture
def kb_seeds_dir(tmp_path: Path) -> Path:
    """Return a writable copy of the fixture seeds plus the real synonyms file."""
    seeds_dir = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, seeds_dir)
    shutil.copy(REAL_SEEDS / "synonyms.yml", seeds_dir / "synonyms.yml")
    return seeds_dir


@pytest.fixture
def kb_database_url(tmp_path: Path) -> str:
    """Return the URL of a new SQLite file migrated to the newest revision.

    The fixture is synchronous because Alembic's environment runs its own
    event loop.
    """
    url = f"sqlite+aiosqlite:///{tmp_path / 'kb.db'}"
    upgrade_to_head(url)
    return url


@pytest.fixture
def kb_settings(kb_database_url: str, kb_seeds_dir: Path) -> Settings:
    """Return settings that point at the test database and seed copy."""
    return Settings(database_url=kb_database_url, seeds_dir=kb_seeds_dir)


@pytest.fixture
def kb_loaded(kb_settings: Settings) -> dict[str, int]:
    """Load the fixture seeds into the test database and return the counts."""
    return asyncio.run(load_seeds_from_dir(kb_settings))


@pytest.fixture
def kb_app(kb_settings: Settings, kb_loaded: dict[str, int]) -> Sanic:
    """Return a desk app over the loaded fixture knowledge base."""
    return create_app(kb_settings, name=f"desk_kb_test_{next(_app_numbers)}")


@pytest.fixture
def kb_client(kb_app: Sanic) -> SanicASGITestClient:
    """Return an ASGI test client of ``kb_app``."""
    return kb_app.asgi_client
