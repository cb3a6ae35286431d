// Runs aws-ses-v2-local with a store that hands each message out once:
// every GET /store answers the messages received since the last one and
// forgets them, in one turn of node's event loop, so none is lost between
// reading and clearing. The bench uses it to count 100 000 letters without
// the emulator holding 100 000 PDFs in memory. Arguments are the CLI's
// (--host, --port).
'use strict';
const store = require('aws-ses-v2-local/dist/store');
const readonly = store.getStoreReadonly;
store.getStoreReadonly = () => {
  const s = readonly();
  const emails = s.emails;
  s.emails = [];
  return { templates: s.templates, emails };
};
require('aws-ses-v2-local/dist/cli');
