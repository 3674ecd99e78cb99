"""Every HTML page says its language: Datasette's base template writes a bare
<html>, so screen readers guess; this writes <html lang="en"> (the pages are
in English; Chinese names and quotes carry lang="zh" where the card knows them)."""

from datasette import hookimpl

BARE, WITH_LANG = b"<html>", b'<html lang="en">'


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def with_lang(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            held = []  # the start of an HTML response, until its first body tells its length

            async def send_with_lang(message):
                if message["type"] == "http.response.start" and _is_html(message):
                    held.append(message)
                    return
                if held and message["type"] == "http.response.body":
                    start = held.pop()
                    body = message.get("body", b"")
                    if not message.get("more_body") and BARE in body[:400]:
                        body = body.replace(BARE, WITH_LANG, 1)
                        start = dict(start, headers=[(k, str(len(body)).encode() if k.lower() == b"content-length" else v)
                                                     for k, v in start.get("headers", [])])
                        message = dict(message, body=body)
                    await send(start)
                await send(message)

            await app(scope, receive, send_with_lang)

        return with_lang

    return wrap


def _is_html(message) -> bool:
    return any(k.lower() == b"content-type" and v.lower().startswith(b"text/html") for k, v in message.get("headers", []))
