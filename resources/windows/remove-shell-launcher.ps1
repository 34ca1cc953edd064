<#
  Give the kiosk account Explorer back (the PC stops being a kiosk). Passdesk and its data stay.
    powershell -ExecutionPolicy Bypass -File remove-shell-launcher.ps1
#>
#Requires -RunAsAdministrator
param([string]$KioskUser = 'passdesk')
$ErrorActionPreference = 'Stop'
$sid = (New-Object System.Security.Principal.NTAccount($KioskUser)).Translate([System.Security.Principal.SecurityIdentifier]).Value
$shellLauncher = [wmiclass]'\\localhost\root\standardcimv2\embedded:WESL_UserSetting'
try { $shellLauncher.RemoveCustomShell($sid) | Out-Null } catch { }
$shellLauncher.SetEnabled($false) | Out-Null
Write-Host "Shell Launcher is off; $KioskUser gets Explorer at the next sign-in. Remove Autologon with Sysinternals Autologon."
