<#
.SYNOPSIS
  Azure Cloud Shell setup for the MLflow lab (PowerShell mirror of setup.sh).

.DESCRIPTION
  Makes sure Node.js >= 22, the npm packages and the Pulumi CLI are there, then hands off to
  `mlflow-lab deploy`, which picks the subscription and a region with quota, deploys with failover,
  waits for the workspace and prints its URL, expiry and teardown command. The logic lives in
  TypeScript; this script only prepares the tools. `./setup.ps1 eastus` still means "start in eastus".

.EXAMPLE
  ./scripts/setup.ps1
.EXAMPLE
  ./scripts/setup.ps1 eastus
.EXAMPLE
  ./scripts/setup.ps1 -Subscription <id> -Region westeurope -Stack lab -Yes
.EXAMPLE
  ./scripts/setup.ps1 -Geography Europe
.NOTES
  In Cloud Shell the region it runs in ($env:ACC_LOCATION) is passed on as --near, so the lab is placed
  in the learner's geography unless -Region or -Geography says otherwise.
#>
[CmdletBinding()]
param(
  [Parameter(Position = 0)][string]$Region,
  [string]$Geography,
  [string]$Subscription,
  [string]$Stack = "lab",
  [string]$Owner,
  [switch]$Yes
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$repo = Split-Path -Parent $PSScriptRoot
function Write-Setup([string]$Line) { [Console]::Error.WriteLine("setup: $Line") }

# Node.js >= 22: the npm registry's `node` package when the machine's is older, as .ci/run does.
function Get-NodeMajor {
  try { [int](& node -p 'process.versions.node.split(".")[0]' 2>$null) } catch { 0 }
}
if ((Get-NodeMajor) -lt 22) {
  $node22 = if ($env:MLFLOW_LAB_NODE22_DIR) { $env:MLFLOW_LAB_NODE22_DIR } else { Join-Path $HOME ".cache/azure-mlflow-lab/node22" }
  $bin = Join-Path $node22 "node_modules/.bin"
  if (-not (Test-Path (Join-Path $bin "node"))) {
    Write-Setup "installing Node.js 22 into $node22"
    New-Item -ItemType Directory -Force -Path $node22 | Out-Null
    & npm install --prefix $node22 --no-save --no-package-lock --no-audit --no-fund node@22 | Out-Host
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
  }
  $env:PATH = "$bin$([IO.Path]::PathSeparator)$env:PATH"
}
Write-Setup "node $(& node --version)"

# npm packages, only when missing or older than the lock file.
$installed = Join-Path $repo "node_modules/.package-lock.json"
$lock = Join-Path $repo "package-lock.json"
if (-not (Test-Path $installed) -or (Get-Item $lock).LastWriteTime -gt (Get-Item $installed).LastWriteTime) {
  Write-Setup "installing npm packages (npm ci)"
  Push-Location $repo
  try { & npm ci --no-audit --no-fund | Out-Host } finally { Pop-Location }
  if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

# The Pulumi CLI, from its official installer, only when missing.
$pulumiBin = Join-Path $HOME ".pulumi/bin"
if (Test-Path $pulumiBin) { $env:PATH = "$pulumiBin$([IO.Path]::PathSeparator)$env:PATH" }
if ($env:MLFLOW_LAB_DEPLOYER_MODULE) {
  Write-Setup "engine: $($env:MLFLOW_LAB_DEPLOYER_MODULE) (the Pulumi CLI is not needed)"
} elseif (-not (Get-Command pulumi -ErrorAction SilentlyContinue)) {
  Write-Setup "installing the Pulumi CLI from https://get.pulumi.com"
  if ($IsLinux -or $IsMacOS) {
    & bash -c "curl -fsSL https://get.pulumi.com | sh" | Out-Host
  } else {
    Invoke-Expression ((New-Object System.Net.WebClient).DownloadString("https://get.pulumi.com/install.ps1"))
  }
  $env:PATH = "$pulumiBin$([IO.Path]::PathSeparator)$env:PATH"
}

$arguments = @("deploy", "--stack", $Stack)
if ($Region) { $arguments += @("--region", $Region) }
if ($Geography) { $arguments += @("--geography", $Geography) }
# Cloud Shell sets ACC_LOCATION to the region the shell runs in, i.e. where the learner is
# (https://github.com/MicrosoftDocs/azure-docs/blob/main/includes/cloud-shell-persisting-shell-storage-introblock.md).
if ($env:ACC_LOCATION) { $arguments += @("--near", $env:ACC_LOCATION) }
if ($Subscription) { $arguments += @("--subscription", $Subscription) }
if ($Owner) { $arguments += @("--owner", $Owner) }
if ($Yes) { $arguments += "--yes" }
& node (Join-Path $repo "scripts/mlflow-lab") @arguments
exit $LASTEXITCODE
