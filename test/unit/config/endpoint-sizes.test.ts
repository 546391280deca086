import { describe, expect, it } from "vitest";
import { AKS_SHAPE, aksShapeFor } from "../../../src/config/endpoint-sizes";

describe("aksShapeFor", () => {
  it("sizes the shared AKS cluster for the largest endpoint, whatever the order", () => {
    expect(aksShapeFor(["medium", "small"])).toEqual(AKS_SHAPE.medium);
    expect(aksShapeFor(["small", "large", "medium"])).toEqual(AKS_SHAPE.large);
    expect(aksShapeFor(["small"])).toEqual(AKS_SHAPE.small);
  });

  it("is small without sizes", () => {
    expect(aksShapeFor([])).toEqual(AKS_SHAPE.small);
  });
});
