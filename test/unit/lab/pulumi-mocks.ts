import * as pulumi from "@pulumi/pulumi";
import { beforeAll } from "vitest";
import { PROJECT_NAME } from "../../../src/config/lab-config";
import { PlanMocks } from "../../../src/plan/mocks";

/**
 * setupFiles of the `lab` vitest project: installs Pulumi mocks before any test of a file runs, so
 * nothing in these tests can reach a real Pulumi engine (https://www.pulumi.com/docs/iac/concepts/testing/unit/). (A hook rather than a
 * top-level await: tsc rejects top-level await under `module: commonjs`.) The tests build the lab through the plan engine (src/plan/engine.ts), which installs the same mocks again, recording,
 * for each run; that keeps one way of running the program for the plan and the tests. Config keys would
 * have to be namespaced with this project name; the program takes a parsed LabConfig instead.
 */
beforeAll(() => pulumi.runtime.setMocks(new PlanMocks(), PROJECT_NAME, "lab"));
