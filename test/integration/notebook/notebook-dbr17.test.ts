import { notebookSuite } from "./notebook-suite";

// Databricks Runtime 17.3 LTS ML: Apache Spark 4.0.0, MLflow 3.0.1 (test/support/python/notebook-dbr17).
notebookSuite("17.3 LTS ML", "notebook-dbr17", 3);
