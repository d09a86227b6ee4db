"""The contacts model over a big store: only the pages on screen are ever read.

The store is built once for the module with the demo generator (30,000
contacts: 100,000 took ~50-90 s on the 2-core test machine; the paging logic
is the same at any size, a page is 100 rows either way).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import keyring
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from crm_desktop.services.demo import generate_demo
from crm_desktop.services.queries import ContactQuery
from crm_desktop.store.engine import Store, open_store
from crm_desktop.views.contact_model import PAGE_SIZE, PLACEHOLDER
from crm_desktop.views.contacts_view import ContactsView
from crm_desktop.views.context import AppContext
from crm_desktop.views.runner import Runner
from tests.conftest import MemoryKeyring
from tests.views.test_contacts_model import settle_model

CONTACTS = 30_000
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    store = open_store(tmp_path_factory.mktemp("big") / "data", use_keychain=True)
    try:
        generate_demo(store, CONTACTS, activities_per_contact=0)
        yield store
    finally:
        store.close()
        keyring.set_keyring(previous)


@pytest.fixture
def big_ctx(qapp, big_store: Store, tmp_path) -> Iterator[AppContext]:
    runner = Runner()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    yield AppContext(big_store, runner, QUndoStack(), settings)
    runner.wait_idle()
    runner.stop()


def _rows_on_screen(view: ContactsView) -> tuple[int, int]:
    table = view.table
    return table.rowAt(0), table.rowAt(table.viewport().height() - 1)


def _wait_on_screen(qtbot, view: ContactsView) -> None:
    def loaded() -> bool:
        first, last = _rows_on_screen(view)
        return first >= 0 and view.model.is_loaded(first) and view.model.is_loaded(last)

    qtbot.waitUntil(loaded, timeout=10_000)


def test_scrolling_a_big_list_reads_only_the_pages_shown(qtbot, big_ctx) -> None:
    view = ContactsView(big_ctx)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    settle_model(qtbot, big_ctx, view.model)
    model, bar = view.model, view.table.verticalScrollBar()
    assert model.rowCount() == CONTACTS
    _wait_on_screen(qtbot, view)
    bar.setValue(bar.maximum() // 2)
    _wait_on_screen(qtbot, view)
    bar.setValue(bar.maximum())
    _wait_on_screen(qtbot, view)
    settle_model(qtbot, big_ctx, view.model)
    assert model.page_fetches <= 5, model.page_fetches  # of 300 pages

    first, last = _rows_on_screen(view)
    assert last == CONTACTS - 1
    expected = ContactQuery(big_ctx.store).page_at(first, last - first + 1)
    shown = [model.data(model.index(row, 0)) for row in range(first, last + 1)]
    assert shown == [row.name for row in expected]
    assert PLACEHOLDER not in shown


def test_data_is_cheap_on_cached_rows(qtbot, big_ctx) -> None:
    view = ContactsView(big_ctx)
    qtbot.addWidget(view)
    settle_model(qtbot, big_ctx, view.model)
    model = view.model
    indexes = [model.index(row, col) for row in range(PAGE_SIZE) for col in range(8)]
    started = time.perf_counter()
    for _ in range(10):
        for index in indexes:
            model.data(index)
    per_call = (time.perf_counter() - started) / (10 * len(indexes))
    assert per_call < 50e-6, f"{per_call * 1e6:.1f} µs per data() call"
