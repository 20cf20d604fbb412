"""The site's URLs plus the floor pages, served only by the benchmark's server."""

from django.urls import path

from bench import floor
from indivisible.urls import urlpatterns as site

urlpatterns = [
    path("bench/floor/reader", floor.reader),
    path("bench/floor/frame", floor.frame),
    *site,
]
