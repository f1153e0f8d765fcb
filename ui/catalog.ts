/**
 * What the page knows of the bridge before it draws anything: the OSCQuery namespace (built
 * from the verb table: addresses, argument ranges, descriptions) and the loaded models'
 * manifests (parameter names, ranges, units, rates), both over HTTP from the bridge itself.
 */
export interface OscQueryNode {
  FULL_PATH: string;
  DESCRIPTION?: string;
  CONTENTS?: Record<string, OscQueryNode>;
  TYPE?: string;
  ACCESS?: number;
  RANGE?: ({ MIN?: number; MAX?: number; VALS?: string[] } | null)[];
}

export interface PageParam {
  name: string;
  range: [number, number];
  unit: string;
  unitRange?: [number, number];
  scale?: 'linear' | 'log';
}

export interface PageModel {
  name: string;
  kind: string;
  version: string;
  audio: { sampleRate: number; settings: Record<string, unknown> };
  params?: PageParam[];
  latency: { samples: number; lookaheadSamples: number };
  extra?: { framesPerSecond?: number } & Record<string, unknown>;
}

export interface Catalog {
  namespace: OscQueryNode;
  models: PageModel[];
}

async function json<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export async function loadCatalog(base = ''): Promise<Catalog> {
  const [namespace, models] = await Promise.all([json<OscQueryNode>(`${base}/`), json<PageModel[]>(`${base}/ui/models.json`)]);
  return { namespace, models };
}

/** The namespace node at an address, e.g. '/mb/stream/map'. */
export function nodeAt(root: OscQueryNode, address: string): OscQueryNode | undefined {
  let at: OscQueryNode | undefined = root;
  for (const part of address.split('/').filter(Boolean)) at = at?.CONTENTS?.[part];
  return at;
}

/** Control frames per second of a stream model: its manifest's, or one per hop of its features. */
export function framesPerSecond(model: PageModel): number {
  const fps = model.extra?.framesPerSecond;
  if (typeof fps === 'number' && fps > 0) return fps;
  const hop = model.audio.settings.hop;
  return typeof hop === 'number' && hop > 0 ? model.audio.sampleRate / hop : 100;
}

/** A parameter's axis label: its name and unit, e.g. 'cutoff (Hz)'. */
export function axisLabel(p: PageParam): string {
  return p.unit && p.unit !== 'normalized' ? `${p.name} (${p.unit})` : p.name;
}
