// What rclone's drive backend (the `drive` remote moat configures, src/deploy/drive)
// sends to Google, at v1.75.0 (the catalog's pin), read in the source, with where
// Debian's 1.60.1 (which the tests run) differs. The Google stub of
// test/deploy/drive/google-stub.test.ts speaks exactly this, and that test checks
// what 1.60.1 sent against these facts.
// - OAuth: AuthURL/TokenURL are golang.org/x/oauth2/google's Endpoint
//   (backend/drive/drive.go driveConfig; 1.60.1 uses google.Endpoint whole). A
//   token of `rclone authorize "drive"` is refreshed there with rclone's shared
//   client id (rcloneClientID; moat answers config_shared_client_id=true). A
//   service-account key goes through google.JWTConfigFromJSON: an RS256 JWT
//   (iss client_email, scope, aud the key's token_uri, or JWTTokenURL when absent)
//   posted as grant_type urn:ietf:params:oauth:grant-type:jwt-bearer
//   (drive.go getServiceAccountClient). Scopes are scopePrefix + the remote's scope.
// - Drive v3 (google.golang.org/api/drive/v3, base https://www.googleapis.com/drive/v3/):
//   NewFs asks files.get("root", fields=id) unless root_folder_id is set (getRootID);
//   a folder is listed with files.list q="trashed=false and ('<id>' in parents)",
//   fields="files(<partialFields>),nextPageToken,incompleteSearch", pageSize=list_chunk
//   (1000), following nextPageToken (Fs.list); a file is read from
//   files/<id>?alt=media (newRegularObject's url); about.get(exportFormats,importFormats)
//   is asked only for an item without md5Checksum that is not a folder (a Google
//   Docs file: findExportFormat → fetchFormats).
// Libraries: golang.org/x/oauth2 v0.36.0 and google.golang.org/api v0.279.0 at v1.75.0 (go.mod);
// 1.60.1 has x/oauth2 v0.0.0-20220722155238 and google.golang.org/api v0.91.0, same endpoints.
// Sources: https://github.com/rclone/rclone/blob/v1.75.0/backend/drive/drive.go
// (lines 59-87 constants and driveConfig, 998-1019 getFile/getRootID, 1021-1160 list,
// 1293 getServiceAccountClient, 1464 NewFs root lookup, 1592 download url, 1959
// findExportFormat), https://github.com/rclone/rclone/blob/v1.60.1/backend/drive/drive.go
// (75 partialFields), https://rclone.org/drive/,
// https://developers.google.com/drive/api/reference/rest/v3/files,
// https://developers.google.com/identity/protocols/oauth2/service-account#httprest
export const RCLONE_DRIVE = {
  version: '1.75.0',
  authUrl: 'https://accounts.google.com/o/oauth2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  jwtGrantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  sharedClientId: '202264815644.apps.googleusercontent.com',
  scopePrefix: 'https://www.googleapis.com/auth/',
  apiBase: 'https://www.googleapis.com/drive/v3/',
  rootLookup: { fileId: 'root', fields: 'id' },
  partialFields: [
    'id',
    'name',
    'size',
    'md5Checksum',
    'sha1Checksum',
    'sha256Checksum',
    'trashed',
    'explicitlyTrashed',
    'modifiedTime',
    'createdTime',
    'mimeType',
    'parents',
    'webViewLink',
    'shortcutDetails',
    'exportLinks',
    'resourceKey',
  ],
  /** partialFields members 1.60.1 does not ask for yet. */
  partialFieldsSince160: ['sha1Checksum', 'sha256Checksum'],
  listQuery: (folderId: string): string => `trashed=false and ('${folderId}' in parents)`,
  listFields: (partialFields: readonly string[]): string => `files(${partialFields.join(',')}),nextPageToken,incompleteSearch`,
  listChunk: 1000,
  downloadPath: (fileId: string): string => `files/${fileId}?alt=media`,
  sources: [
    'https://github.com/rclone/rclone/blob/v1.75.0/backend/drive/drive.go',
    'https://github.com/rclone/rclone/blob/v1.60.1/backend/drive/drive.go',
    'https://rclone.org/drive/',
    'https://developers.google.com/drive/api/reference/rest/v3/files',
    'https://developers.google.com/identity/protocols/oauth2/service-account#httprest',
  ],
} as const;
