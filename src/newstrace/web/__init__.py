"""web stage: ``newstrace serve``, an ASGI app (FastAPI) with a JSON API and HTML pages over the
view functions of ``newstrace.linking.views``. ``create_app(db)`` builds it."""

from newstrace.web.app import create_app
from newstrace.web.reader import prepare

__all__ = ["create_app", "prepare"]
