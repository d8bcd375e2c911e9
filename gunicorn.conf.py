"""gunicorn reads this file from the folder it starts in (see README "Running in production")."""

# Private-link tokens never reach gunicorn's access log (request line, referrer) or error log.
logger_class = "accounts.gunicorn_logging.GunicornLogger"
