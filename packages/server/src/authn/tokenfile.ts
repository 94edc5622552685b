// --token-auth-file: a CSV of `token,user,uid[,"group1,group2"]` (k8s tokenfile). Audience-agnostic: its
// tokens only authenticate when the requested audiences intersect the API audiences.
import { readFileSync } from 'node:fs';
import type { TokenAuthenticator, TokenOutcome } from './types.js';
import type { UserInfo } from '../api/types.js';

/** Minimal RFC 4180 line parser (quoted fields with "" escapes), as Go's encoding/csv reads them. */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export class TokenFileAuthenticator implements TokenAuthenticator {
  private readonly tokens = new Map<string, UserInfo>();
  constructor(
    text: string,
    path: string,
    private readonly apiAudiences: string[],
  ) {
    for (const raw of text.split(/\r?\n/)) {
      if (!raw.trim() || raw.startsWith('#')) continue;
      const rec = parseCsvLine(raw);
      if (rec.length < 3)
        throw new Error(
          `token file '${path}' must have at least 3 columns (token, user name, user uid), found ${rec.length}`,
        );
      const [token, name, uid] = rec as [string, string, string];
      if (!token) continue;
      const groups =
        rec.length >= 4 && rec[3]
          ? rec[3]
              .split(',')
              .map((g) => g.trim())
              .filter(Boolean)
          : [];
      // Shared by every request with this token, so frozen: nothing downstream may edit it in place.
      this.tokens.set(token, Object.freeze({ username: name, uid, groups: Object.freeze(groups) as string[] }));
    }
  }
  static fromFile(path: string, apiAudiences: string[]): TokenFileAuthenticator {
    return new TokenFileAuthenticator(readFileSync(path, 'utf8'), path, apiAudiences);
  }
  get size(): number {
    return this.tokens.size;
  }
  authenticateToken(token: string, audiences: string[]): TokenOutcome {
    const u = this.tokens.get(token);
    if (!u) return null;
    // Requests ask for the API audiences themselves: that intersection is the whole list.
    const auds =
      audiences === this.apiAudiences || !this.apiAudiences.length
        ? audiences
        : audiences.filter((a) => this.apiAudiences.includes(a));
    if (this.apiAudiences.length && auds.length === 0) return null;
    return { user: u, audiences: auds };
  }
}
