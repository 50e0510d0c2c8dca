/** A statement the fake refuses, as nft would (syntax, or the kernel's answer); `line` is 1-based. */
export class FakeNftError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}
