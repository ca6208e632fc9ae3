"use client";

import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const percentTick = (value: number) => `${Math.round(value * 100)}%`;
const percentValue = (value: unknown) => (typeof value === "number" ? `${(value * 100).toFixed(2)} %` : "–");

export interface AttributeBarRow {
  group: string;
  recallTop3: number | null;
  recallTop5: number | null;
}

/** Top-3 and top-5 attribute recall per group as grouped bars. */
export function AttributeRecallChart({ rows, labels }: { rows: AttributeBarRow[]; labels: { recallTop3: string; recallTop5: string } }) {
  return (
    <div className="h-72 w-full" data-testid="attribute-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="group" />
          <YAxis domain={[0, 1]} tickFormatter={percentTick} />
          <Tooltip formatter={percentValue} />
          <Legend />
          <Bar dataKey="recallTop3" name={labels.recallTop3} fill="#6366f1" isAnimationActive={false} />
          <Bar dataKey="recallTop5" name={labels.recallTop5} fill="#14b8a6" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export interface TrainingCurveRow {
  epoch: number;
  trainLoss: number | null;
  validationLoss: number | null;
  trainCategoryTop1: number | null;
  validationCategoryTop1: number | null;
}

export interface TrainingCurveLabels {
  epoch: string;
  loss: string;
  accuracy: string;
  trainLoss: string;
  validationLoss: string;
  trainAccuracy: string;
  validationAccuracy: string;
}

/** Loss and category top-1 accuracy per epoch, as two line charts over the same epochs. */
export function TrainingCurveChart({ rows, labels }: { rows: TrainingCurveRow[]; labels: TrainingCurveLabels }) {
  return (
    <div className="grid gap-4 md:grid-cols-2" data-testid="training-chart">
      <figure className="h-64">
        <figcaption className="text-sm text-neutral-600">{labels.loss}</figcaption>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 16, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="epoch" label={{ value: labels.epoch, position: "insideBottom", offset: -8 }} />
            <YAxis />
            <Tooltip />
            <Legend verticalAlign="top" />
            <Line dataKey="trainLoss" name={labels.trainLoss} stroke="#f97316" dot={false} isAnimationActive={false} />
            <Line dataKey="validationLoss" name={labels.validationLoss} stroke="#6366f1" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <figure className="h-64">
        <figcaption className="text-sm text-neutral-600">{labels.accuracy}</figcaption>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 16, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="epoch" label={{ value: labels.epoch, position: "insideBottom", offset: -8 }} />
            <YAxis domain={[0, 1]} tickFormatter={percentTick} />
            <Tooltip formatter={percentValue} />
            <Legend verticalAlign="top" />
            <Line dataKey="trainCategoryTop1" name={labels.trainAccuracy} stroke="#f97316" dot={false} isAnimationActive={false} />
            <Line dataKey="validationCategoryTop1" name={labels.validationAccuracy} stroke="#6366f1" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
