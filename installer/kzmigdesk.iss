; Inno Setup 6.3+ script: packages the one-folder bundle (dist\kzmigdesk, built by
; build_installer.spec) into installer\Output\kzmigdesk-setup-VERSION.exe, which installs it
; with a Start-menu shortcut to kzmigdesk-gui.exe. From the top of the checkout:
;     iscc installer\kzmigdesk.iss
; The version is read from the bundle's kzmigdesk.exe (its version resource).

#define BundleDir SourcePath + "..\dist\kzmigdesk"
#define AppExe "kzmigdesk-gui.exe"
#define AppVersion GetStringFileInfo(BundleDir + "\kzmigdesk.exe", "ProductVersion")
#if AppVersion == ""
  #error Build the bundle first (pyinstaller build_installer.spec): no version in dist\kzmigdesk\kzmigdesk.exe
#endif

[Setup]
AppId={{AF5B7221-3D4C-485A-810C-60A0669C4944}
AppName=kzmigdesk
AppVersion={#AppVersion}
AppPublisher=kzmigdesk
DefaultDirName={autopf}\kzmigdesk
DisableProgramGroupPage=yes
; Installing for all users needs an administrator; a clerk may install for himself only.
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=Output
OutputBaseFilename=kzmigdesk-setup-{#AppVersion}
SetupIconFile=..\resources\icons\kzmigdesk.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
; Inno Setup ships no Kazakh translation of its wizard: Russian comes first, the wizard's
; language when Windows speaks neither.
Name: "ru"; MessagesFile: "compiler:Languages\Russian.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; A new version's bundle replaces the old one's libraries entirely.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\kzmigdesk"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\kzmigdesk"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,kzmigdesk}"; Flags: nowait postinstall skipifsilent
