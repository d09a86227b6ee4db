"""Guards on the Qt binding itself.

PySide6 6.12.0 on CPython 3.11 lowers None's reference count on every
`data()` call whose Python implementation returns None, and a long scroll
ends in a crash (DESIGN.md §8). pyproject excludes it; this test keeps the
bound honest when it is lifted.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt


class _NoneModel(QAbstractTableModel):
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 10

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 3

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        return None


def test_data_returning_none_keeps_nones_refcount(qapp) -> None:
    model = _NoneModel()
    index = model.index(1, 1)
    for _ in range(100):  # warm up caches that may hold a reference
        index.data(Qt.ItemDataRole.DisplayRole)
    before = sys.getrefcount(None)
    for _ in range(5000):
        index.data(Qt.ItemDataRole.DisplayRole)
    assert sys.getrefcount(None) >= before - 50
