// Calls the anomaly results APIs through the official JavaScript client and prints what came back as one JSON line.
// Usage: node results-client.js <dir holding node_modules/@elastic/elasticsearch> <server url> <user> <password>
'use strict';

const [clientDir, node, username, password] = process.argv.slice(2);
const { Client } = require(require.resolve('@elastic/elasticsearch', { paths: [clientDir] }));
const client = new Client({ node, auth: { username, password } });

function records(answer) {
  return { count: answer.count, length: answer.records.length, scores: answer.records.map((r) => r.record_score) };
}

function influencers(answer) {
  return {
    count: answer.count,
    length: answer.influencers.length,
    scores: answer.influencers.map((i) => i.influencer_score),
    first: answer.influencers.length === 0 ? null : answer.influencers[0].influencer_field_value,
  };
}

async function main() {
  const out = {};
  out.version = (await client.info()).version.number;
  // No option: the client sends a GET without a body.
  out.records = records(await client.ml.getRecords({ job_id: 'it-ops-kpi' }));
  // Options the client puts in a JSON body (a POST).
  out.recordsWithOptions = records(await client.ml.getRecords({
    job_id: 'it-ops-kpi', record_score: 50, sort: 'record_score', desc: true, page: { from: 0, size: 2 },
  }));
  out.influencers = influencers(await client.ml.getInfluencers({ job_id: 'it_ops_new_kpi' }));
  // Options the client puts in the query string (no body: Elasticsearch reads only start/end there when a body is sent).
  out.influencersWithOptions = influencers(await client.ml.getInfluencers({
    job_id: 'it_ops_new_kpi', influencer_score: 50, sort: 'influencer_score', desc: false, size: 3,
  }));
  try {
    await client.ml.getRecords({ job_id: 'no-such-job' });
    out.error = null;
  } catch (e) {
    out.error = { name: e.name, status: e.meta && e.meta.statusCode, type: e.body && e.body.error && e.body.error.type,
      reason: e.body && e.body.error && e.body.error.reason };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().then(() => client.close(), (e) => {
  process.stderr.write('client call failed: ' + (e.stack || e) + '\n');
  if (e.meta) {
    process.stderr.write('answer: ' + e.meta.statusCode + ' ' + JSON.stringify(e.meta.body) + '\n');
  }
  process.exitCode = 1;
  return client.close();
});
