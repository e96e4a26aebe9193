// Neumaier summation: money summed over thousands of trades must not drift by float error.
export class CompensatedSum {
  #sum = 0;
  #compensation = 0;

  add(value: number): this {
    const total = this.#sum + value;
    this.#compensation +=
      Math.abs(this.#sum) >= Math.abs(value) ? this.#sum - total + value : value - total + this.#sum;
    this.#sum = total;
    return this;
  }

  get value(): number {
    return this.#sum + this.#compensation;
  }
}

export function preciseSum(values: Iterable<number>): number {
  const sum = new CompensatedSum();
  for (const value of values) sum.add(value);
  return sum.value;
}
