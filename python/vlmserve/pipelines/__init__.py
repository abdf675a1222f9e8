"""Kubeflow Pipelines for vlmserve: discover document images, run them through served
models, score against ground truth, compare the models and write an HTML report.

- :mod:`~vlmserve.pipelines.steps`, :mod:`~vlmserve.pipelines.compare`,
  :mod:`~vlmserve.pipelines.report`: the work, as plain functions (no KFP needed).
- :mod:`~vlmserve.pipelines.components`, :mod:`~vlmserve.pipelines.pipeline`: the KFP
  components and pipeline (need ``kfp``: ``pip install vlmserve[kfp]``).
- ``extraction_pipeline.yaml``: the compiled pipeline, ready to upload.
"""

DEFAULT_PACKAGE = "vlmserve"
"""The requirement the tasks of the committed pipeline pip-install: the index name, so
the compiled IR stays the same from one release to the next. Compile with a pinned
version or a wheel URL for your own runs (``vlmserve pipeline compile --package``)."""
