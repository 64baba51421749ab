"""Row filters of the clusters feature (gaodi.core.permissions): clusters are read whole."""

from __future__ import annotations

from gaodi.clusters.models import Cluster
from gaodi.core.permissions import register_scope

register_scope(Cluster, "cluster")
