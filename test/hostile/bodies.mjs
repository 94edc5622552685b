// Body builders shared by the hostile suite and its benchmark (bench/hostile.mjs).

/** `unit(0) + unit(1) + …` until at least `bytes` characters. */
export function fill(unit, bytes) {
  const parts = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const u = unit(i);
    parts.push(u);
    n += u.length;
  }
  return parts.join('');
}

/** A YAML alias bomb: each of 30 levels aliases the previous one nine times (9^30 nodes once expanded). */
export function aliasBomb() {
  let bomb = 'a: &x0 [1,2,3,4,5,6,7,8,9,10]\n';
  for (let i = 1; i <= 30; i++)
    bomb += `l${i}: &x${i} [${Array(9)
      .fill(`*x${i - 1}`)
      .join(',')}]\n`;
  return bomb;
}
