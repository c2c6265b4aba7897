"""The feed's web route: ``GET /agenda/<token>.ics`` (HEAD too)."""

from __future__ import annotations

from aiohttp import web

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

    return [web.get("/agenda/{token}.ics", agenda_feed)]
