"""The feed's web routes (GET and HEAD), all at the one token.

- ``/agenda/<token>.ics`` — the calendar feed;
- ``/agenda/<token>`` — the agenda page (HTML);
- ``/agenda/<token>/day/<YYYY-MM-DD>.png`` — the picture of one local day of the agenda.

Anything else, and any of these with an unknown or revoked token, is the server's plain 404.
"""

from __future__ import annotations

from aiohttp import web

from bot.feeds.page import PAGE_HEADERS
from bot.feeds.service import FeedService

__all__ = ["feed_routes"]


def feed_routes(service: FeedService) -> list[web.RouteDef]:
    """Return the routes that serve ``service``'s feeds."""

    async def agenda_feed(request: web.Request) -> web.StreamResponse:
        answer = await service.feed(
            request.match_info["token"],
            if_none_match=request.headers.get("If-None-Match"),
            if_modified_since=request.if_modified_since,
        )
        if answer.status == 404:
            # The same answer as any unknown address: nothing says a token ever existed.
            raise web.HTTPNotFound()
        response = web.Response(status=answer.status)
        if answer.etag is not None:
            response.headers["ETag"] = answer.etag
        if answer.last_modified is not None:
            response.last_modified = answer.last_modified
        if answer.status == 200:
            response.body = answer.body
            response.content_type = "text/calendar"
            response.charset = "utf-8"
            response.headers["Content-Disposition"] = 'inline; filename="agenda.ics"'
        return response

    async def agenda_page(request: web.Request) -> web.StreamResponse:
        body = await service.page(request.match_info["token"])
        if body is None:
            raise web.HTTPNotFound()
        response = web.Response(body=body, content_type="text/html", charset="utf-8")
        response.headers.update(PAGE_HEADERS)
        return response

    async def agenda_day_picture(request: web.Request) -> web.StreamResponse:
        png = await service.day_png(request.match_info["token"], request.match_info["day"])
        if png is None:
            raise web.HTTPNotFound()
        response = web.Response(body=png, content_type="image/png")
        response.headers.update(PAGE_HEADERS)
        return response

    path = "/agenda/{token:[A-Za-z0-9_-]+}"  # no dot: "<token>.ics" is the feed's
    return [
        web.get("/agenda/{token}.ics", agenda_feed),
        web.get(path, agenda_page),
        web.get(f"{path}/day/{{day:[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}}}.png", agenda_day_picture),
    ]
