import { defineCheck, endpointRequest, fillPath, pathParams, type CheckContext, type Endpoint } from './api.js';
import { idsIn, is2xx, isRefusal, itemEndpointOf, sameObject } from './lib/identities.js';
import { driftBetween, stableBaseline, type Baseline } from './lib/stable-baseline.js';

/** Ids taken from a list to read as the other identity, besides the configured params. */
const IDS_FROM_LISTS = 2;
/** Identities probed (the first ones configured): each costs a few requests per endpoint. */
const MAX_IDENTITIES = 3;

const VERDICTS = {
  noOtherIdentity: { status: 'skip', message: 'no second identity is configured (auth.identities): cross-user access cannot be tried' },
  nothingToRead: {
    status: 'skip',
    message:
      'no GET endpoint with an id in its path, and no list endpoint, needs credentials: nothing of the main identity to request as another',
  },
  mainCannotRead: {
    probe: 'read',
    status: 'error',
    message: '{endpoint} answered {status} to the main identity: its own object could not be read, so nothing is proven (check the params)',
  },
  readUndecided: {
    probe: 'read',
    status: 'error',
    message:
      '{endpoint}: the plain answers differ between reads ({drift}), so whether identity "{identity}" gets the main identity\'s object cannot be told from its answer',
  },
  readLeaked: {
    probe: 'read',
    status: 'fail',
    message:
      '{endpoint} returned the main identity\'s object to identity "{identity}" ({status}): any user can read another\'s record by its id',
  },
  readRefused: {
    probe: 'read',
    status: 'pass',
    message: '{endpoint} refused identity "{identity}" the main identity\'s object ({status})',
  },
  readOwnObject: {
    probe: 'read',
    status: 'pass',
    message: '{endpoint} answered identity "{identity}" {status} with a different object, not the main identity\'s',
  },
  readUnclear: {
    probe: 'read',
    status: 'warn',
    message:
      '{endpoint} answered identity "{identity}" {status}: neither a refusal (403/404) nor an object; cannot tell whether it is protected',
  },
  listLeaked: {
    probe: 'list',
    status: 'fail',
    message: '{endpoint} as identity "{identity}" lists {count} of the main identity\'s items ({ids}): lists are not scoped to the caller',
  },
  listSeparate: {
    probe: 'list',
    status: 'pass',
    message: '{endpoint} as identity "{identity}" ({status}) lists none of the main identity\'s {mainCount} items',
  },
  listUndecided: {
    probe: 'list',
    status: 'error',
    message:
      '{endpoint}: the plain answers differ between reads ({drift}), so whether identity "{identity}" lists the main identity\'s items cannot be told',
  },
  listTooLarge: {
    probe: 'list',
    status: 'error',
    message:
      '{endpoint} as identity "{identity}" answered {status} with a body cut at maxResponseBytes: its items could not all be read, so whether it lists the main identity\'s items is undecided',
  },
  listNothingToCompare: {
    probe: 'list',
    status: 'skip',
    message: '{endpoint} listed no items with ids for the main identity ({status}): nothing to compare',
  },
  writesNotAllowed: {
    probe: 'write',
    status: 'skip',
    message: 'create-then-access-as-another probes change data: they run only with allowWrites: true (or --allow-writes)',
  },
  noCreatable: {
    probe: 'write',
    status: 'skip',
    message:
      'no POST endpoint has a matching GET endpoint for its items (POST /x and GET /x/:id): no object to create and then request as another identity',
  },
  createFailed: {
    probe: 'write',
    status: 'error',
    message: '{endpoint} as the main identity answered {status} with no id in the body: nothing created to try',
  },
  writeAccepted: {
    probe: 'write',
    status: 'fail',
    message:
      '{method} {path} (an object the main identity created) as identity "{identity}" answered {status}: another user can {action} it; created for clean-up: {created}',
  },
  writeUndecided: {
    probe: 'write',
    status: 'error',
    message:
      '{method} {path} as identity "{identity}" answered {status}, but the plain answers differ between reads ({drift}), so whether it got the main identity\'s object cannot be told; created for clean-up: {created}',
  },
  writeRefused: {
    probe: 'write',
    status: 'pass',
    message: '{method} {path} as identity "{identity}" was refused ({status}); created for clean-up: {created}',
  },
  changed: {
    probe: 'after',
    status: 'fail',
    message:
      '{path} read by the main identity after identity "{identity}"\'s attempts answered {status} and differs from what was created: another user changed or deleted it; created for clean-up: {created}',
  },
  afterUndecided: {
    probe: 'after',
    status: 'error',
    message:
      '{path}: the plain answers differ between reads ({drift}), so whether identity "{identity}" changed it cannot be told; created for clean-up: {created}',
  },
  unchanged: {
    probe: 'after',
    status: 'pass',
    message: '{path} is unchanged after identity "{identity}"\'s attempts; created for clean-up: {created}',
  },
} as const;

/**
 * Broken object-level authorization (OWASP API1:2023): one user reading, changing or deleting
 * another's objects. The main identity's objects (configured {id} params, ids from its lists, and
 * with writes allowed one it creates) are requested as each other configured identity.
 */
export default defineCheck({
  meta: {
    id: 'cross-user',
    title: "One user cannot read or change another user's objects",
    item: 'default-deny',
    severity: 'critical',
    rationale:
      "An API that checks who the caller is but not whether the object is theirs lets any user read or change every other user's records by changing an id (OWASP API1:2023, broken object-level authorization).",
    remediation:
      'Check ownership on every object access: load the object scoped to the caller (WHERE owner_id = :caller) and answer 404 (or 403) when it is not theirs; filter list queries by the caller the same way.',
    probes:
      "GET of the main identity's objects and lists as each identity in auth.identities; with allowWrites, create as the main identity then GET/PATCH/PUT/DELETE as the other",
    writes: false,
    verdicts: VERDICTS,
  },
  scope: 'target',

  async run(ctx) {
    const identities = Object.keys(ctx.target.auth.identities ?? {}).slice(0, MAX_IDENTITIES);
    if (identities.length === 0) {
      ctx.report('noOtherIdentity', {});
      return;
    }
    const guarded = ctx.target.endpoints.filter((e) => e.method === 'GET' && !e.public);
    const items = guarded.filter((e) => pathParams(e.path).length > 0);
    const lists = guarded.filter((e) => e.kind === 'list');
    if (items.length + lists.length === 0) ctx.report('nothingToRead', {});

    // The main identity's lists: compared with the other's, and a source of more ids to read.
    const mainLists = new Map<Endpoint, Baseline>();
    for (const list of lists)
      mainLists.set(
        list,
        await stableBaseline((read) => ctx.http.send({ ...endpointRequest(list), purpose: `as the main identity (read ${read})` })),
      );

    for (const identity of identities) {
      // Ids both identities list are not the main identity's alone (a shared or unscoped list): the list verdict covers them.
      const listedByOther = new Set<string>();
      for (const [list, mine] of mainLists) for (const id of await compareLists(ctx, identity, list, mine)) listedByOther.add(id);
      for (const item of items) {
        await readAs(ctx, identity, item, fillPath(item), 'configured');
        const list = lists.find((l) => itemEndpointOf(l.path, [item]) === item);
        const configured = fillPath(item);
        // Ids from a list whose ids change on every read name nothing that can be read again.
        const listed = list && mainLists.get(list);
        const ids = listed && !listed.drift ? idsIn(listed.first, list).filter((id) => !listedByOther.has(id)) : [];
        const extra = ids.map((id) => fillPath(item, { [pathParams(item.path)[0]!]: id })).filter((p) => p !== configured);
        for (const path of [...new Set(extra)].slice(0, IDS_FROM_LISTS)) await readAs(ctx, identity, item, path, path);
      }
    }
    await writesAs(ctx, identities[0]!);
  },
});

type Ctx = CheckContext<typeof VERDICTS>;

async function readAs(ctx: Ctx, identity: string, item: Endpoint, path: string, key: string): Promise<void> {
  const request = { ...endpointRequest(item), path };
  const data = { endpoint: `GET ${path}`, identity };
  const mainOptions = { key: `${identity} ${key}`, endpoint: item.label };
  const baseline = await stableBaseline((read) => ctx.http.send({ ...request, purpose: `as the main identity (read ${read})` }));
  const mine = baseline.first;
  if (!is2xx(mine.status)) {
    ctx.report('mainCannotRead', { endpoint: `GET ${path}`, status: mine.status }, [mine.exchange], mainOptions);
    return;
  }
  if (baseline.drift) {
    ctx.report('readUndecided', { ...data, drift: baseline.drift }, [mine.exchange, baseline.second.exchange], mainOptions);
    return;
  }
  const theirs = await ctx.http.send({ ...request, identity, purpose: `as identity ${identity}` });
  const evidence = [mine.exchange, theirs.exchange];
  // The other identity's request is what shows a leak (or a refusal): it is the line to paste.
  const options = { ...mainOptions, reproduce: theirs.exchange };
  if (isRefusal(theirs.status)) ctx.report('readRefused', { ...data, status: theirs.status }, evidence, options);
  else if (is2xx(theirs.status) && sameObject(mine, theirs))
    ctx.report('readLeaked', { ...data, status: theirs.status }, evidence, options);
  else if (is2xx(theirs.status)) ctx.report('readOwnObject', { ...data, status: theirs.status }, evidence, options);
  else ctx.report('readUnclear', { ...data, status: theirs.status }, evidence, options);
}

/** Reports whether the other identity's list holds the main identity's items; returns the ids it lists. */
async function compareLists(ctx: Ctx, identity: string, list: Endpoint, baseline: Baseline): Promise<string[]> {
  const options = { key: identity, endpoint: list.label };
  const mine = baseline.first;
  const mainIds = new Set(idsIn(mine, list));
  if (!is2xx(mine.status) || mainIds.size === 0) {
    ctx.report('listNothingToCompare', { endpoint: list.label, status: mine.status }, [mine.exchange], options);
    return [];
  }
  if (baseline.drift) {
    ctx.report(
      'listUndecided',
      { endpoint: list.label, identity, drift: baseline.drift },
      [mine.exchange, baseline.second.exchange],
      options,
    );
    return [];
  }
  const theirs = await ctx.http.send({ ...endpointRequest(list), identity, purpose: `as identity ${identity}` });
  const theirOptions = { ...options, reproduce: theirs.exchange };
  // A cut body parses as no items: that must not read as a list that holds none of the main identity's.
  if (theirs.truncated) {
    ctx.report('listTooLarge', { endpoint: list.label, identity, status: theirs.status }, [mine.exchange, theirs.exchange], theirOptions);
    return [];
  }
  const listed = is2xx(theirs.status) ? idsIn(theirs, list) : [];
  const shared = listed.filter((id) => mainIds.has(id));
  if (shared.length)
    ctx.report(
      'listLeaked',
      { endpoint: list.label, identity, count: shared.length, ids: shared.slice(0, 5) },
      [mine.exchange, theirs.exchange],
      theirOptions,
    );
  else
    ctx.report(
      'listSeparate',
      { endpoint: list.label, identity, status: theirs.status, mainCount: mainIds.size },
      [mine.exchange, theirs.exchange],
      theirOptions,
    );
  return listed;
}

/** Create as the main identity, then read, update and delete as another; the object must come through untouched. */
async function writesAs(ctx: Ctx, identity: string): Promise<void> {
  if (!ctx.target.allowWrites) {
    ctx.report('writesNotAllowed', {});
    return;
  }
  const create = ctx.target.endpoints.find((e) => e.method === 'POST' && !e.public && itemEndpointOf(e.path, ctx.target.endpoints));
  const item = create && itemEndpointOf(create.path, ctx.target.endpoints);
  if (!create || !item) {
    ctx.report('noCreatable', {});
    return;
  }
  const created = await ctx.http.send({ ...endpointRequest(create), purpose: 'create as the main identity' });
  const id = is2xx(created.status) ? idsIn(created)[0] : undefined;
  if (id === undefined) {
    ctx.report('createFailed', { endpoint: create.label, status: created.status }, [created.exchange]);
    return;
  }
  const path = fillPath(item, { [pathParams(item.path)[0]!]: id });
  const cleanUp = { created: `${ctx.target.baseUrl}${path}` };
  const baseline = await stableBaseline(
    (read) => ctx.http.send({ ...endpointRequest(item), path, purpose: `as the main identity, after creating it (read ${read})` }),
    'exact',
  );
  const before = baseline.first;
  // Ids that change on every read: another identity's GET of "the same object" cannot be recognised by them.
  const ownersDrift = driftBetween(before, baseline.second);
  const body = JSON.stringify(create.body ?? {});
  const attempts = [
    { method: 'GET', action: 'read' },
    { method: 'PATCH', action: 'change' },
    { method: 'PUT', action: 'replace' },
    { method: 'DELETE', action: 'delete' },
  ];
  for (const { method, action } of attempts) {
    const withBody = method === 'PATCH' || method === 'PUT' ? { body, headers: { 'content-type': 'application/json' } } : {};
    const response = await ctx.http.send({ method, path, ...withBody, identity, purpose: `as identity ${identity}` });
    const data = { method, path, identity, status: response.status, ...cleanUp };
    const accepted = is2xx(response.status) && (method !== 'GET' || sameObject(before, response));
    if (method === 'GET' && is2xx(response.status) && !accepted && ownersDrift)
      ctx.report('writeUndecided', { ...data, drift: ownersDrift }, [before.exchange, baseline.second.exchange, response.exchange], {
        key: method,
        endpoint: item.label,
      });
    else if (accepted)
      ctx.report('writeAccepted', { ...data, action }, [created.exchange, response.exchange], {
        key: method,
        endpoint: item.label,
        reproduce: response.exchange,
      });
    else ctx.report('writeRefused', data, [response.exchange], { key: method, endpoint: item.label });
  }
  const after = await ctx.http.send({ ...endpointRequest(item), path, purpose: 'as the main identity, after the other identity tried' });
  if (baseline.drift) {
    ctx.report('afterUndecided', { path, identity, drift: baseline.drift, ...cleanUp }, [before.exchange, baseline.second.exchange], {
      endpoint: item.label,
    });
    return;
  }
  const same = is2xx(after.status) && after.body.equals(before.body);
  ctx.report(same ? 'unchanged' : 'changed', { path, identity, status: after.status, ...cleanUp }, [before.exchange, after.exchange], {
    endpoint: item.label,
    reproduce: after.exchange,
  });
}
