"""The course's build tools: one command line, ``python -m course VERB`` (``--help`` on every verb).

Beside the learners' package ``gmm_lessons`` (which never imports this one),
every command that reads the lessons lives here, on shared pieces written once:

- :mod:`course.manifest`: ``notebooks/lessons.toml``, the tags and the solution markers;
- :mod:`course.execute`: the one kernel runner and the cache of executed lessons;
- :mod:`course.assets`: the browser assets, pinned once in ``course/assets/package.json``;
- :mod:`course.publish`: the policy every builder publishes by (offline pages, never over the
  lessons, one atomic replace);

and the builders, each with only what is its own: :mod:`course.links`
(``make links``), :mod:`course.student` (``make student``), :mod:`course.grade`
(``make grade``), :mod:`course.slides` (``make slides``), :mod:`course.pages`
(``make html``) and :mod:`course.site` (``make site``).
"""
