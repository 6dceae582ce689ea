// The page's short lessons, each beside the control or chart it explains.
import { Explain } from './Explain';

export function ModelsExplain() {
  return (
    <Explain title="What are res, rev, wtrev and deq?">
      <p>
        <strong>res</strong> is the residual baseline (DeeperGCN “res+”): h ← h + f(h), keeping
        every layer’s intermediate results for the backward pass. <strong>res-ckpt</strong> keeps
        only each layer’s input and recomputes the rest.
      </p>
      <p>
        <strong>rev</strong> (RevGNN) splits the channels into groups that update each other so that
        every layer can be run backwards. <strong>wtrev</strong> ties the weights across depth: the
        same block at every layer, so parameters do not grow with depth. <strong>deq</strong>{' '}
        (DEQ-GNN) is an “infinitely deep” tied network: its output is the fixed point Z = F(Z, X),
        found by a quasi-Newton solver.
      </p>
    </Explain>
  );
}

export function MemoryExplain() {
  return (
    <Explain title="What does O(N·D) mean here?">
      <p>
        N is the number of nodes in a training step, D the channels, L the layers. Training needs
        each layer’s activations for the backward pass: a residual network keeps L of them, an N × D
        matrix each — memory O(L·N·D) grows with depth.
      </p>
      <p>
        A reversible network keeps only the last layer’s output, O(N·D), whatever the depth: that is
        how RevGNN trained 1001 layers on one GPU. The weights still grow with depth (O(L·D²)),
        unless they are tied (wtrev, deq).
      </p>
    </Explain>
  );
}

export function GroupsExplain() {
  return (
    <Explain title="What is a group?">
      <p>
        A reversible layer splits its D channels into C groups of D/C. The first group is updated
        from the sum of the others, and each next group from the one updated before it: y₀ = x₀ +
        f₀(x₁ + … + x_{'{C−1}'}), yᵢ = xᵢ + fᵢ(yᵢ₋₁).
      </p>
      <p>
        Each fᵢ works on D/C channels, so more groups means fewer parameters and less memory per
        layer. One group has no partner to couple with: it cannot be inverted.
      </p>
    </Explain>
  );
}

export function InverseExplain() {
  return (
    <Explain title="Why can a reversible network forget its activations?">
      <p>
        Because every layer can be undone exactly: xᵢ = yᵢ − fᵢ(yᵢ₋₁), last group first. During the
        backward pass each layer rebuilds its input from its output, recomputes its own small
        intermediates, back-propagates, and throws them away again.
      </p>
      <p>
        It costs about one extra forward pass of compute; in exchange memory no longer grows with
        depth. The “reconstruction error” chart shows how exactly the input is rebuilt in float32.
      </p>
    </Explain>
  );
}

export function BudgetExplain() {
  return (
    <Explain title="What does the memory budget do?">
      <p>
        It makes your GPU pretend to be smaller: an allocation that would take the memory in use
        past the budget fails exactly as a real out-of-memory does. Try a deep res network with a
        small budget, then the same depth with rev.
      </p>
    </Explain>
  );
}

export function PartsExplain() {
  return (
    <Explain title="What are parts per epoch?">
      <p>
        As in the paper, each epoch splits the graph’s nodes into random parts; each part’s induced
        subgraph is one optimizer step. More parts: smaller steps (less memory), more steps per
        epoch. 1 trains on the whole graph at every step. Evaluation is cut into parts the same way
        (the paper: 10 parts to train, 5 to test), and with several views the predictions of
        independent partitions are averaged; accuracy is always over every node of the split.
      </p>
    </Explain>
  );
}

export function TimelineExplain() {
  return (
    <Explain title="How to read the step timeline">
      <p>
        Bytes in use through one training step, from the first allocation to the optimizer. A
        residual network climbs through the forward pass (it stores every layer) and falls through
        the backward; a reversible one stays flat: it keeps one layer’s worth at a time.
      </p>
    </Explain>
  );
}

export function SweepExplain() {
  return (
    <Explain title="What does the depth sweep measure?">
      <p>
        One training step per model and depth, each on a fresh GPU device, measured by the memory
        meter. “Activations” counts activations and workspace at the step’s peak — the part the
        memory policy decides; “everything” adds weights, gradients, optimizer state and the graph.
        The dashed guides grow like L·N·D and stay at N·D.
      </p>
    </Explain>
  );
}
