import { notebookSuite } from "./notebook-suite";

// Databricks Runtime 16.4 LTS ML: Apache Spark 3.5.2, MLflow 2.21.3 (test/support/python/notebook-dbr16).
notebookSuite("16.4 LTS ML", "notebook-dbr16", 2);
