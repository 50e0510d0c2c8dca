/**
 * A fake LB node for tests of code built on the native driver, in the spirit of knftables' Fake: an
 * {@link Executor} that applies the nft scripts nlbkit writes to an in-memory ruleset (all or nothing
 * per `nft -f`, as the kernel does), answers `nft list` and `nft -j list` from it, keeps the VIP
 * addresses the agent adds with `ip`, and has no connections for `conntrack -D` to cut. No root, no
 * kernel, no processes.
 */
import type { ExecResult, Executor } from '../executor/types.js';
import { type FakeLinks, freshLinks, runFakeIp } from './fake-ip.js';
import { FakeNftError } from './fake-nft-errors.js';
import { rulesetText, tablesJson, tableText } from './fake-nft-listing.js';
import { applyScript, emptyRuleset, type FakeRuleset } from './fake-nft-ruleset.js';

/** Options of {@link createFakeNftExecutor}. */
export interface FakeNftExecutorOptions {
  /**
   * Runs commands other than `nft`, `ip` and `conntrack -D`; default: they fail with exit 127 (not
   * found). The agent runs no others.
   */
  fallback?: Executor | undefined;
  /** Described in error messages as this (default `fake nft`). */
  where?: string | undefined;
}

/** The fake node: an {@link Executor} plus what a test wants to look at. */
export interface FakeNftExecutor extends Executor {
  /**
   * The whole ruleset as canonical text: tables, maps, flowtables and chains sorted by name, elements
   * sorted, rules in order with their comments. Equal rulesets dump equal text, so a test can compare
   * against a golden string; the text is a script this fake (and nft) can apply again.
   */
  dump(): string;
  /** Every command run, in order, with its stdin (the nft scripts), including ones that failed. */
  readonly calls: { argv: readonly string[]; stdin?: string | undefined }[];
  /** The node's links and their addresses (`lo` and, once the agent ran, `nlbkit0` with the VIPs). */
  readonly links: FakeLinks;
}

const ok = (stdout = ''): ExecResult => ({ code: 0, stdout, stderr: '' });
const fail = (stderr: string): ExecResult => ({ code: 1, stdout: '', stderr });

/**
 * Creates a fake LB node that understands the nft and ip commands the native driver's agent runs.
 * Statements outside that grammar, objects that do not exist, element keys or values that do not fit
 * their map, and deleting a map or chain still in use fail as nft fails (exit 1, `Error: ...` on
 * stderr naming the line) and change nothing. Rule bodies are not compiled: a rule is kept as text,
 * and only the maps, chains and flowtables it names are checked.
 *
 * @example
 * const node = createFakeNftExecutor();
 * const nlb = createNativeDriver({
 *   store: createMemoryStore(),
 *   vipPool: { ranges: ['10.99.0.0/24'] },
 *   vmInventory: { web1: { ipv4: '10.0.0.11' } },
 *   agent: { executor: node },
 * });
 * await nlb.createNLB({
 *   iid: { nameId: 'web' },
 *   listener: { protocol: 'TCP', port: 80 },
 *   vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'web1' }] },
 *   healthChecker: { protocol: 'TCP' },
 * });
 * console.log(node.dump()); // table inet nlbkit { ... 10.0.0.11 . 8080 ... }
 * await nlb.close();
 */
export function createFakeNftExecutor(options: FakeNftExecutorOptions = {}): FakeNftExecutor {
  let rules: FakeRuleset = emptyRuleset();
  const links = freshLinks();
  const calls: FakeNftExecutor['calls'] = [];

  const nft = (argv: readonly string[], stdin: string | undefined): ExecResult => {
    const flags = new Set<string>();
    let i = 1;
    for (; i < argv.length && (argv[i] as string).startsWith('-'); i++) {
      const f = argv[i] as string;
      if (f === '-f' || f === '--file') {
        flags.add('-f');
        i++;
        break;
      }
      flags.add(f);
    }
    if (flags.has('-v') || flags.has('--version')) return ok('nftables v1.0.6 (nlbkit fake)\n');
    const script = flags.has('-f') ? (stdin ?? '') : argv.slice(i).join(' ');
    if (!flags.has('-f') && argv[i] === 'list') return list(argv.slice(i + 1), flags);
    try {
      const next = applyScript(rules, script);
      if (!flags.has('-c') && !flags.has('--check')) rules = next;
      return ok();
    } catch (e) {
      if (!(e instanceof FakeNftError)) throw e;
      const line = script.split('\n')[e.line - 1] ?? '';
      return fail(`/dev/stdin:${e.line}:1-${Math.max(line.length, 1)}: Error: ${e.message}\n${line}\n`);
    }
  };

  const list = (args: readonly string[], flags: Set<string>): ExecResult => {
    const json = flags.has('-j') || flags.has('--json');
    const terse = flags.has('-t') || flags.has('--terse');
    if (args[0] === 'ruleset' && args.length === 1)
      return ok(json ? tablesJson([...rules.tables.values()]) : rulesetText(rules, terse));
    if (args[0] === 'table' && args.length === 3) {
      const t = rules.tables.get(`${args[1]} ${args[2]}`);
      if (!t) return fail(`Error: No such file or directory\nlist table ${args[1]} ${args[2]}\n`);
      return ok(json ? tablesJson([t]) : tableText(t, terse));
    }
    return fail(
      `Error: syntax error, the fake lists only 'ruleset' and 'table FAMILY NAME'\nlist ${args.join(' ')}\n`,
    );
  };

  return {
    where: options.where ?? 'fake nft',
    calls,
    links,
    dump: () => rulesetText(rules),
    async run(argv, opts) {
      const tool = (argv[0] ?? '').split('/').pop();
      calls.push({ argv: [...argv], stdin: opts?.stdin });
      if (tool === 'nft') return nft(argv, opts?.stdin);
      if (tool === 'ip') return runFakeIp(links, argv);
      // The fake carries no traffic, so a drain's cut finds no connection, as conntrack says it.
      if (tool === 'conntrack' && argv[1] === '-D')
        return fail('conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.\n');
      if (options.fallback) return options.fallback.run(argv, opts);
      return { code: 127, stdout: '', stderr: `${argv[0]}: not found` };
    },
  };
}
