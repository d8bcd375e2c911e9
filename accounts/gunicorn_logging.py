"""gunicorn's logger with private-link tokens masked; gunicorn.conf.py names it."""

from gunicorn.glogging import Logger

from accounts.log_masking import MaskTokens


class GunicornLogger(Logger):
    """gunicorn's logger, with tokens masked in its access log (request line, referrer) and
    its error log ("Error handling request /my/…")."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, MaskTokens) for f in log.filters):
                log.addFilter(MaskTokens())
