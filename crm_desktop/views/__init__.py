"""The PySide6 desktop app: a thin layer over the services.

Rules every view follows (STYLE.md):
- No SQL and no store access on the GUI thread: views call services through
  `AppContext.runner.submit(work, done, failed)`; `work` runs on the store's
  worker thread, `done`/`failed` back on the GUI thread.
- A mutating service returns an `OpResult`/`ChangeSet`; the runner broadcasts
  it on `runner.changed`, and each view refreshes only what it shows.
- Every user-visible string goes through Qt's translation (`self.tr(...)`
  in QObject subclasses, `QCoreApplication.translate(context, text)`
  elsewhere); service errors carry codes and English messages, which views
  show through `crm_desktop.views.messages.error_text`.
- Edits are undoable: they are pushed as commands on `AppContext.undo_stack`.
"""
