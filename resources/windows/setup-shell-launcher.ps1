<#
  Turn this Windows PC into a Passdesk kiosk with Shell Launcher: the kiosk account gets
  Passdesk instead of Explorer as its shell, and Windows starts Passdesk again whenever it exits
  (a crash, an update). Administrators keep Explorer.

  Needs Windows 10/11 Enterprise, Education or IoT Enterprise (Shell Launcher is not in Pro:
  see README.md in this folder for Pro). Run in an elevated PowerShell after installing Passdesk:
    powershell -ExecutionPolicy Bypass -File setup-shell-launcher.ps1 -TimeZone "GMT Standard Time"
  Then set up automatic sign-in of the kiosk account with Sysinternals Autologon (it keeps the
  password as an LSA secret, not in the registry in clear), and restart.
#>
#Requires -RunAsAdministrator
param(
  [string]$KioskUser = 'passdesk',
  [string]$AppPath = "$env:ProgramFiles\Passdesk\Passdesk.exe",
  # A Windows time zone id (tzutil /l), e.g. "GMT Standard Time", "Central Standard Time".
  [string]$TimeZone = ''
)
$ErrorActionPreference = 'Stop'

if (-not (Test-Path $AppPath)) { throw "Passdesk is not installed at ${AppPath}. Run the installer first." }

# 1. The Shell Launcher feature (a restart is needed the first time).
$feature = Get-WindowsOptionalFeature -Online -FeatureName Client-EmbeddedShellLauncher
if ($feature.State -ne 'Enabled') {
  Enable-WindowsOptionalFeature -Online -FeatureName Client-EmbeddedShellLauncher -NoRestart | Out-Null
  Write-Host 'Shell Launcher was switched on: restart Windows, then run this script again.'
  exit 3010
}

# 2. The kiosk account: a standard user, never an administrator.
if (-not (Get-LocalUser -Name $KioskUser -ErrorAction SilentlyContinue)) {
  $password = Read-Host -AsSecureString "Choose a password for the $KioskUser account (Autologon will use it)"
  New-LocalUser -Name $KioskUser -Password $password -FullName 'Passdesk kiosk' -PasswordNeverExpires -UserMayNotChangePassword | Out-Null
  Add-LocalGroupMember -Group 'Users' -Member $KioskUser
  Write-Host "Created the account $KioskUser."
}
$sid = (New-Object System.Security.Principal.NTAccount($KioskUser)).Translate([System.Security.Principal.SecurityIdentifier]).Value
$administrators = 'S-1-5-32-544'

# 3. Shells: Passdesk for the kiosk account, restarted whenever it exits (action 0); Explorer
#    for administrators and everyone else.
$restartShell = 0
$shellLauncher = [wmiclass]'\\localhost\root\standardcimv2\embedded:WESL_UserSetting'
$shellLauncher.SetDefaultShell('explorer.exe', $restartShell) | Out-Null
foreach ($who in @($sid, $administrators)) {
  try { $shellLauncher.RemoveCustomShell($who) | Out-Null } catch { }
}
$shellLauncher.SetCustomShell($sid, "`"$AppPath`"", ($null), ($null), $restartShell) | Out-Null
$shellLauncher.SetCustomShell($administrators, 'explorer.exe', ($null), ($null), $restartShell) | Out-Null
$shellLauncher.SetEnabled($true) | Out-Null

# 4. The clock the marks depend on, and a screen that never sleeps.
if ($TimeZone) { tzutil /s $TimeZone }
Set-Service -Name w32time -StartupType Automatic
Start-Service -Name w32time
w32tm /resync /nowait | Out-Null
powercfg /change standby-timeout-ac 0
powercfg /change monitor-timeout-ac 0

Write-Host "Done. Set up Autologon for $KioskUser (Sysinternals Autologon), then restart."
Write-Host 'To undo: remove-shell-launcher.ps1.'
