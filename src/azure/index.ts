export * from "./arm-client";
export * from "./clock";
export * from "./credentials";
export * from "./errors";
export * from "./lro";
export * from "./rate-limit";
export * from "./retry";
export * from "./operation";
