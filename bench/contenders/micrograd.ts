/**
 * A micrograd-style autodiff, the way JavaScript users typically write one after Karpathy's
 * micrograd: a Value object per operation holding its number, its gradient, its children and a
 * closure that pushes the gradient back; the graph is rebuilt on every evaluation.
 *
 * One departure from the Python original: the topological sort is iterative. The recursive
 * version overflows the JS stack on the 800,000-deep chain of Rosenbrock n = 100,000.
 */
const noop = (): void => {};

export class Value {
  grad = 0;
  backwardStep: () => void = noop;

  constructor(
    public data: number,
    readonly children: readonly Value[] = [],
  ) {}

  add(other: Value | number): Value {
    const o = lift(other);
    const out = new Value(this.data + o.data, [this, o]);
    out.backwardStep = () => {
      this.grad += out.grad;
      o.grad += out.grad;
    };
    return out;
  }

  sub(other: Value | number): Value {
    const o = lift(other);
    const out = new Value(this.data - o.data, [this, o]);
    out.backwardStep = () => {
      this.grad += out.grad;
      o.grad -= out.grad;
    };
    return out;
  }

  mul(other: Value | number): Value {
    const o = lift(other);
    const out = new Value(this.data * o.data, [this, o]);
    out.backwardStep = () => {
      this.grad += o.data * out.grad;
      o.grad += this.data * out.grad;
    };
    return out;
  }

  square(): Value {
    const out = new Value(this.data * this.data, [this]);
    out.backwardStep = () => {
      this.grad += 2 * this.data * out.grad;
    };
    return out;
  }

  sin(): Value {
    const out = new Value(Math.sin(this.data), [this]);
    out.backwardStep = () => {
      this.grad += Math.cos(this.data) * out.grad;
    };
    return out;
  }

  tanh(): Value {
    const t = Math.tanh(this.data);
    const out = new Value(t, [this]);
    out.backwardStep = () => {
      this.grad += (1 - t * t) * out.grad;
    };
    return out;
  }

  /** Sets every gradient in the graph below this value, by reverse topological order. */
  backward(): void {
    const order: Value[] = [];
    const visited = new Set<Value>();
    const stack: Array<[Value, number]> = [[this, 0]];
    visited.add(this);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [v, next] = top;
      if (next < v.children.length) {
        top[1] = next + 1;
        const child = v.children[next]!;
        if (!visited.has(child)) {
          visited.add(child);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(v);
      }
    }
    this.grad = 1;
    for (let i = order.length - 1; i >= 0; i--) order[i]!.backwardStep();
  }
}

function lift(x: Value | number): Value {
  return x instanceof Value ? x : new Value(x);
}
