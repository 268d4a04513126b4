/**
 * Actor ids (who issues or approves a grant: an agent or a system): the one form in which they are compared, counted
 * and stored, so that maker ≠ checker and the per-issuer daily cap cannot be dodged by spelling one actor two ways.
 * Every id reaches the service ASCII-only (contracts: letters, digits and `. _ : -`, surrounding blanks trimmed), so
 * full-width letters, zero-width and other invisible or look-alike characters are refused at the boundary and no
 * Unicode folding (NFC/NFKC) is needed here; what is left is case: `Agent-7` and `agent-7` are one actor. Other ids
 * (customer, complaint, order, hold, keys) are references another system chose and stay exact.
 */
export const actorId = (raw: string): string => raw.trim().toLowerCase();

export const sameActor = (a: string, b: string): boolean => actorId(a) === actorId(b);
