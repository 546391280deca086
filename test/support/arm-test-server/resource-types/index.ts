/** Per-type behaviour for the generic resource routes, one line each. */
import type { ResourceTypeHooks } from "../core/resource-types";
import { hooks as databricks } from "./databricks";
import { hooks as machineLearning } from "./machine-learning";
import { hooks as keyVault } from "./key-vault";
import { hooks as logAnalytics } from "./log-analytics";
import { containerGroups, managedClusters } from "./containers";

export const allHooks: ResourceTypeHooks[] = [databricks, machineLearning, keyVault, logAnalytics, managedClusters, containerGroups];
