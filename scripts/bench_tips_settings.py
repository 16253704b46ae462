"""Settings of the tip-submission benchmark (scripts/bench_tips.py): the project's, without DEBUG, with the
Redis cache (the rate limiter's store in production), one trusted proxy (each virtual client sends its own
X-Forwarded-For, so the per-client rate limit is exercised, not tripped) and the floor view's URLconf."""

import os

from safety_portal.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench_tips_urls"
TRUSTED_PROXY_COUNT = 1
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")}}
