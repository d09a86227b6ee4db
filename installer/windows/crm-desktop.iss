; Inno Setup 6 script: the Windows installer of crm-desktop.
;
; Built by `python installer\build.py` on Windows when Inno Setup 6 is installed
; (iscc on PATH or in its default folder); by hand, after the bundle is built:
;   iscc /DAppVersion=0.1.0 /DSourceDir=dist\crm-desktop /DOutputDir=dist ^
;        /DIconFile=build\generated\icons\crm-desktop.ico installer\windows\crm-desktop.iss
;
; Installs the PyInstaller bundle (dist\crm-desktop) into Program Files (or, if
; the person chooses "only for me", into their own programs folder), adds a
; Start-menu entry (and optionally a desktop shortcut), registers an uninstaller
; in Settings > Apps. Uninstalling removes the program only: the user's store and
; settings (%LOCALAPPDATA%\crm-desktop, registry HKCU\Software\crm-desktop) stay.
;
; Written and reviewed, but not built in CI (no Windows runner): see the README.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\crm-desktop"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\generated\icons\crm-desktop.ico"
#endif
#define AppName "crm-desktop"
#define AppExe "crm-desktop.exe"

[Setup]
; The AppId identifies the app across versions (upgrades replace it in place): never change it.
AppId={{6E0B7F0A-3C51-4C4E-9B57-2A7D0C9E4F1D}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Program Files for everyone (administrator), or the user's own folder without admin rights.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; The Qt 6 used by PySide6 6.9-6.11 needs Windows 10 1809 or later.
MinVersion=10.0.17763
OutputDir={#OutputDir}
OutputBaseFilename={#AppName}-{#AppVersion}-windows-x86_64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Ask to close a running crm-desktop before replacing its files.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
; Simplified Chinese: official in recent Inno Setup releases, a download for older ones.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole bundle: crm-desktop.exe (windowed), crm-desktop-cli.exe (console:
; `crm-desktop-cli --self-test`, commands), _internal\ (Python, Qt, the app,
; icons, translations, migrations). Time stamps are kept, which the bundled
; translations rely on (a .qm is used when not older than its .ts).
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle wholesale: no module of the old version may linger.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python may leave compiled files beside the bundle; the user's data is elsewhere and stays.
Type: filesandordirs; Name: "{app}\_internal"
